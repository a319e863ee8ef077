// run.mjs — Lighthouse (mobile, default simulated throttling) against a real `linli serve` on a temporary data
// folder seeded with a few listings, driving Debian's chromium. Prints one line per page with the four category
// scores, and writes the full reports to build/lighthouse/. Run through scripts/lighthouse.sh.
import { mkdirSync, writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { Linli } from '../api/lib.mjs';

const OUT = new URL('../../build/lighthouse/', import.meta.url).pathname;
const PAGES = [['home', '/'], ['search', '/s?q=' + encodeURIComponent('搬家') + '&city=4401']];

const L = new Linli();
await L.start();
try {
  const u = await L.signIn('13700009001');
  const titles = ['天河搬家 小货车', '海珠搬家 长途也接', '白云区 家具拆装搬家', '二手书桌 九成新', '两房一厅 近地铁'];
  for (const [i, title] of titles.entries()) {
    const goods = i === 3, house = i === 4;
    const body = { city: 4401, district: 440106, contact_phone: '13700009001', title, price: 10000 + i * 100,
      category: goods ? 'goods' : house ? 'housing' : 'services', subcategory: goods ? 'furniture' : house ? 'rent' : 'moving',
      description: '周末可约，价格实在。',
      fields: goods ? { condition: '九成新' } : house ? { rooms: 2, area_m2: 70, address: '广州市天河区体育西路' }
        : { service_area: '广州', address: '广州市天河区' } };
    const r = await L.req('POST', '/api/v1/listings', { token: u.token, body });
    if (r.status !== 201) throw new Error(r.text);
  }
  mkdirSync(OUT, { recursive: true });
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    for (const [name, path] of PAGES) {
      const res = await lighthouse(L.base + path, { port: chrome.port, output: 'json', logLevel: 'error' });
      writeFileSync(`${OUT}${name}.json`, res.report);
      const c = res.lhr.categories;
      const s = (k) => Math.round(c[k].score * 100);
      console.log(`${name.padEnd(7)} ${path.padEnd(40)} performance ${s('performance')}  accessibility ${s('accessibility')}  ` +
        `best-practices ${s('best-practices')}  seo ${s('seo')}`);
      for (const [k, cat] of Object.entries(c))
        for (const ref of cat.auditRefs) {
          const a = res.lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`        ${k}: ${a.id} (${a.score})`);
        }
    }
  } finally { await chrome.kill(); }
} finally {
  await L.stop();
  L.cleanup();
}
