// webreview.test.mjs — what the review of the day's pages found, over plain HTTP (no browser): a "next" address with
// a tab or another control character never leads off the site after a form (F4); someone else's application is the
// 404 page for every form on it, whatever was sent, and nothing changes (C6, E5); the support staff's pages link only
// to pages the support role can open (F5); a merchant adding a photo to the customer's review gets the order's page
// with the reason, not the API's JSON (C9).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';

const L = new Linli();
let seeker, boss, rival, support;
let jobId, rivalJobId, appId;
const NOT_FOUND = '<h1>页面不存在</h1>';
const cookieOf = (who) => who.cookie.split(';')[0];
const job = (phone, title) => ({ category: 'jobs', title, description: '包吃住', city: 4401, contact_phone: phone, fields: { position: '厨师' } });

// A page as a browser gets it: its form's csrf token and the linli_csrf cookie that goes with it.
async function formOf(who, path) {
  const res = await fetch(L.base + path, { headers: { cookie: cookieOf(who) }, redirect: 'manual' });
  const text = await res.text();
  const csrf = text.match(/name="csrf" value="([^"]+)"/)?.[1];
  const c = res.headers.get('set-cookie')?.match(/linli_csrf=[^;]+/)?.[0];
  assert.ok(csrf && c, `${path}: a form with its token`);
  return { csrf, cookie: `${cookieOf(who)}; ${c}`, text };
}

async function post(path, fields, cookie) {
  const res = await fetch(L.base + path, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields).toString(),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

async function get(who, path) {
  const res = await fetch(L.base + path, { headers: who ? { cookie: cookieOf(who) } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

before(async () => {
  await L.start();
  [seeker, boss, rival, support] = await Promise.all(['13755550001', '13755550002', '13755550003', '13755550004']
    .map((p) => L.signIn(p)));
  assert.equal(run(L.dir, 'staff', 'grant', '13755550004', 'support').code, 0);
  const resume = await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: { name: '陈求职', phone: '13755550001',
    position: '厨师', city: 4401, years: 6 } });
  jobId = (await L.req('POST', '/api/v1/listings', { token: boss.token, body: job('13755550002', '招聘川菜厨师') })).json.id;
  rivalJobId = (await L.req('POST', '/api/v1/listings', { token: rival.token, body: job('13755550003', '招聘粤菜厨师') })).json.id;
  const app = await L.req('POST', `/api/v1/listings/${jobId}/applications`, { token: seeker.token, body: { resume_id: resume.json.id } });
  assert.equal(app.status, 201, app.text);
  appId = app.json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('F4: a next address with a tab or a control character is not followed off the site', async () => {
  for (const next of ['/\t/evil.example', '/\t\\evil.example', '/\x0b/evil.example', '/\x7f/evil.example']) {
    const login = await get(null, `/login?next=${encodeURIComponent(next)}`);
    assert.equal(login.status, 200);
    assert.ok(!login.text.includes('evil.example'), `${JSON.stringify(next)}: not carried by the sign-in form`);
    const f = await formOf(seeker, '/me/resume/new');
    const res = await post('/me/resume', { csrf: f.csrf, name: '林新', phone: '13755550009', position: '帮厨', years: '1',
      city: '4401', visibility: 'applied', next }, f.cookie);
    assert.equal(res.status, 303, res.text);
    assert.match(res.location, /^\/me\/resume\/\d+\?done=created$/, `${JSON.stringify(next)}: the site's own page, not ${res.location}`);
  }
  const f = await formOf(seeker, '/me/resume/new');
  const ok = await post('/me/resume', { csrf: f.csrf, name: '林新', phone: '13755550009', position: '帮厨', years: '1',
    city: '4401', visibility: 'applied', next: `/l/${jobId}` }, f.cookie);
  assert.equal(ok.location, `/l/${jobId}`, 'a path of the site is still followed');
});

test('C6, E5: someone else\'s application is the 404 page for every form, whatever was sent, and nothing changes', async () => {
  const before = L.sql(`SELECT status || '|' || (SELECT count(*) FROM interviews) FROM applications WHERE id = ${appId}`);
  const r = await formOf(rival, '/me/resume/new'); // the rival's own valid token and cookie
  for (const [path, fields] of [
    [`/me/hiring/${rivalJobId}/applications/${appId}/interview`, { starts_at: 'not a time', minutes: '60', place: '天河店' }],
    [`/me/hiring/${rivalJobId}/applications/${appId}/interview`, { starts_at: '2099-01-01T10:00', minutes: 'x', place: '天河店' }],
    [`/me/hiring/${rivalJobId}/applications/${appId}`, { status: 'nonsense' }],
    [`/me/hiring/${rivalJobId}/applications/${appId}`, {}],
    [`/me/applications/${appId}/interview`, { answer: 'maybe' }],
    [`/me/applications/${appId}/interview`, {}]]) {
    const res = await post(path, { csrf: r.csrf, ...fields }, r.cookie);
    assert.equal(res.status, 404, `${path} ${JSON.stringify(fields)}: ${res.text.slice(0, 200)}`);
    assert.ok(res.text.includes(NOT_FOUND), path);
  }
  assert.equal(L.sql(`SELECT status || '|' || (SELECT count(*) FROM interviews) FROM applications WHERE id = ${appId}`), before,
    'nothing changed');
  // the owners still get their message next to the form
  const b = await formOf(boss, `/me/hiring/${jobId}`);
  const bad = await post(`/me/hiring/${jobId}/applications/${appId}/interview`, { csrf: b.csrf, starts_at: 'not a time',
    minutes: '60', place: '天河店' }, b.cookie);
  assert.equal(bad.status, 422, bad.text.slice(0, 200));
  assert.ok(bad.text.includes('请选择一个将来的面试时间'), 'the time refused next to its field');
  const mark = await post(`/me/hiring/${jobId}/applications/${appId}`, { csrf: b.csrf, status: 'nonsense' }, b.cookie);
  assert.equal(mark.status, 400);
  const s = await formOf(seeker, '/me/applications');
  const answer = await post(`/me/applications/${appId}/interview`, { csrf: s.csrf, answer: 'maybe' }, s.cookie);
  assert.equal(answer.status, 400);
  assert.equal(L.sql(`SELECT status || '|' || (SELECT count(*) FROM interviews) FROM applications WHERE id = ${appId}`), before);
});

test('F5: the support staff\'s pages link only to pages a support-only account can open', async () => {
  for (const page of ['/staff/disputes', '/staff/tickets']) {
    const res = await get(support, page);
    assert.equal(res.status, 200, page);
    const links = [...res.text.matchAll(/href="(\/staff[^"?#]*)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, `${page} links back into the console`);
    for (const link of new Set(links)) {
      if (/\/staff\/tickets\/\d+/.test(link)) continue;
      assert.equal((await get(support, link)).status, 200, `${page} → ${link}: open to the support role`);
    }
  }
});

test('C9: a merchant adding a review photo on an order gets the order page with the reason, not JSON, and nothing is written', async () => {
  const mod = await staff(L, '13755550005', 'moderator');
  const merchant = await merchantWith(L, '13755550006', mod, '天河好帮手', [{ category: 'cleaning', title: '日常保洁 2小时', price: 12000 }]);
  const order = await L.req('POST', '/api/v1/orders', { token: seeker.token, body: { service_id: merchant.services[0],
    time: beijing(1, 10), district: 440106, address: '广州市天河区体育西路8号301室', phone: '13755550001' } });
  assert.equal(order.status, 201, order.text);
  const m = await formOf(merchant, `/orders/${order.json.id}`);
  const b = '----linli-review3';
  const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${m.csrf}\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
  Buffer.from('not a photo'), Buffer.from(`\r\n--${b}--\r\n`)]);
  const res = await fetch(L.base + `/orders/${order.json.id}/review/photos`, { method: 'POST', redirect: 'manual', body,
    headers: { cookie: m.cookie, 'content-type': `multipart/form-data; boundary=${b}` } });
  const text = await res.text();
  assert.equal(res.status, 403);
  assert.match(res.headers.get('content-type'), /^text\/html/, 'a page, not JSON');
  assert.ok(text.includes('只有下单的顾客可以为评价添加照片'), text.slice(0, 300));
  assert.equal(L.sql('SELECT count(*) FROM review_photos'), '0');
});
