// pages.test.mjs — the server-rendered pages in a real browser: Debian's chromium driven by playwright-core at
// 375×812, with JavaScript switched off (the pages must not need it), against a real `linli serve` on a temporary
// data folder. Pick a city (remembered in a cookie), search a two-character keyword, page through results, open a
// listing, sign in with a code from the SMS outbox behind a not-pre-ticked policy box (H3), CSRF refused; every page
// passes axe-core without serious or critical violations. Screenshots go to tests/web/artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from '../api/lib.mjs';
import { web, ART } from './lib.mjs';

const L = new Linli();
let nojs, page;
const ids = {};
const W = web(L);
const { cspErrors } = W;
const shot = (name, p = page) => W.shot(p, name);
const axe = (path) => W.axe(null, path); // as a signed-out visitor sees it

async function post(token, body) {
  const res = await L.req('POST', '/api/v1/listings', { token, body });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

before(async () => {
  await L.start();
  const poster = await L.signIn('13700000101');
  const gz = { city: 4401, district: 440106, contact_phone: '13700000101', description: '' };
  ids.moving = await post(poster.token, { ...gz, category: 'services', subcategory: 'moving', title: '天河搬家 小货车',
    price: 30000, description: '周末可约。\n价格含上下楼。', lat: 23.135, lng: 113.321,
    fields: { service_area: '天河', address: '广州市天河区体育西路' } });
  ids.moving2 = await post(poster.token, { ...gz, category: 'services', subcategory: 'moving', title: '长途搬家 <b>不贵</b>',
    fields: { service_area: '广州', address: '广州市海珠区' } });
  ids.bjmoving = await post(poster.token, { city: 1101, contact_phone: '13700000101', category: 'services',
    subcategory: 'moving', title: '北京搬家', fields: { service_area: '海淀', address: '北京市海淀区' } });
  for (let i = 0; i < 21; i++)
    await post(poster.token, { ...gz, category: 'goods', subcategory: 'furniture', title: `实木家具 第${i + 1}件`,
      price: 10000 + i, fields: { condition: '九成新' } });

  await W.launch();
  nojs = await W.newContext();
  page = await nojs.newPage();
});

after(W.stop);

test('home: city picker remembered in a cookie, six categories, newest listings of the city', async () => {
  const res = await page.goto(L.base + '/');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('.tiles a').count(), 6);
  await page.selectOption('#city', '4401');
  await page.click('.city-picker button');
  await page.waitForURL(/\?city=4401$/);
  assert.match(await page.locator('#recent-h').innerText(), /广州市最新信息/);
  const titles = await page.locator('.card-title').allInnerTexts();
  assert.equal(titles.length, 20, 'twenty newest');
  assert.equal(titles[0], '实木家具 第21件', 'newest first');
  assert.ok(!titles.includes('北京搬家'), 'only the chosen city');
  assert.equal(await page.locator('.links a', { hasText: '查看更多' }).getAttribute('href'), '/s?city=4401');
  const cookie = (await nojs.cookies()).find((c) => c.name === 'linli_city');
  assert.equal(cookie?.value, '4401');
  assert.equal(cookie.httpOnly, true);
  await page.goto(L.base + '/');
  assert.equal(await page.locator('#city').inputValue(), '4401', 'the choice is remembered');
  assert.match(await page.locator('.tile-services').getAttribute('href'), /category=services&city=4401/);
  await shot('home');
  await page.screenshot({ path: `${ART}home-top.png` });
  assert.deepEqual(cspErrors, []);
  await axe('/');
});

test('search: a two-character keyword, results link to listings, escaped titles, empty and error states', async () => {
  await page.goto(L.base + '/');
  await page.fill('#q', '搬家');
  await page.click('.search-box button');
  await page.waitForURL(/\/s\?/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('q'), '搬家');
  assert.equal(url.searchParams.get('city'), '4401');
  const titles = await page.locator('.card-title').allInnerTexts();
  assert.deepEqual(titles.sort(), ['天河搬家 小货车', '长途搬家 <b>不贵</b>'].sort(), 'escaped, not markup');
  assert.equal(await page.locator('.card b').count(), 0);
  assert.equal(await page.locator(`.card[data-id="${ids.moving}"] a`).getAttribute('href'), `/l/${ids.moving}`);
  await shot('search');
  await axe('/s?q=%E6%90%AC%E5%AE%B6&city=4401');

  const none = await page.goto(L.base + '/s?q=' + encodeURIComponent('潜水艇') + '&city=4401');
  assert.equal(none.status(), 200);
  assert.match(await page.locator('.empty').innerText(), /没有找到/);
  await shot('search-empty');
  await axe('/s?q=' + encodeURIComponent('潜水艇'));

  const bad = await page.goto(L.base + '/s?category=spaceships');
  assert.equal(bad.status(), 400);
  assert.match(await page.locator('#search-error').innerText(), /没有这个分类/);
});

test('search: pages through results with next_cursor links', async () => {
  await page.goto(L.base + '/s?q=' + encodeURIComponent('家具') + '&city=4401&sort=newest');
  assert.equal(await page.locator('.card').count(), 20);
  const first = await page.locator('.card-title').allInnerTexts();
  await page.click('a[rel="next"]');
  const second = await page.locator('.card-title').allInnerTexts();
  assert.equal(second.length, 1);
  assert.ok(!first.includes(second[0]));
  assert.equal(await page.locator('a[rel="next"]').count(), 0, 'the last page has no next link');
  assert.equal(await page.locator('.pager a', { hasText: '回到第一页' }).count(), 1);
});

test('listing: title, price in yuan, fields by label, description, masked contact; 404 when absent', async () => {
  await page.goto(L.base + '/s?q=' + encodeURIComponent('搬家') + '&city=4401');
  await page.click(`.card[data-id="${ids.moving}"] a`);
  await page.waitForURL(new RegExp(`/l/${ids.moving}$`));
  assert.equal(await page.locator('h1').innerText(), '天河搬家 小货车');
  assert.equal(await page.locator('.price strong').innerText(), '¥300.00');
  const fields = await page.locator('.meta').innerText();
  assert.match(fields, /类别\s*搬家/);
  assert.match(fields, /服务范围\s*天河/);
  assert.match(fields, /详细地址\s*\S*\*/, 'the address is masked');
  assert.match(await page.locator('.description').innerText(), /周末可约。\n价格含上下楼。/);
  const contact = await page.locator('.contact').innerText();
  assert.ok(!contact.includes('13700000101'), 'the number is masked');
  assert.match(contact, /\*/);
  const body = await page.content();
  assert.ok(!body.includes('体育西路'), 'the address is not shown in full');
  await shot('listing');
  await axe(`/l/${ids.moving}`);

  await page.goto(L.base + `/l/${ids.moving2}`);
  assert.equal(await page.locator('.price strong').innerText(), '面议');

  const missing = await page.goto(L.base + '/l/999999');
  assert.equal(missing.status(), 404);
  assert.match(await page.locator('h1').innerText(), /页面不存在/);
  await axe('/l/999999');
});

test('H3: sign in by SMS code; the policy box is not pre-ticked and is required; CSRF is checked', async () => {
  const phone = '13800138123';
  await page.goto(L.base + '/login');
  await shot('login');
  await axe('/login');
  const box = page.locator('#accept');
  assert.equal(await box.isChecked(), false, 'not pre-ticked');
  assert.equal(await box.getAttribute('required'), '', 'the browser requires it');
  assert.match(await page.locator('.policy-summary').innerText(), /个人信息保护政策摘要/);

  await page.fill('#phone', phone);
  await page.click('button[formaction="/login/code"]');
  assert.match(await page.locator('#code-sent').innerText(), /138\*\*\*\*8123/);
  assert.equal(await page.locator('#phone').inputValue(), phone);
  const code = L.lastCode(phone);
  assert.match(code, /^\d{6}$/);
  await page.fill('#code', code);

  // unticked: the browser refuses to submit (no request leaves)
  await page.click('button.primary');
  assert.equal(new URL(page.url()).pathname, '/login/code', 'still on the form');
  assert.equal(await box.evaluate((el) => el.validity.valueMissing).catch(() => true), true);

  // and the server refuses it too: the same form posted without the box
  const token = await page.locator('input[name="csrf"]').inputValue();
  const form = { csrf: token, phone, code };
  const refused = await page.request.post(L.base + '/login', { form });
  assert.equal(refused.status(), 400);
  assert.match(await refused.text(), /id="accept-error">请阅读并勾选同意/);
  assert.equal(L.sql(`SELECT count(*) FROM users`), '1', 'no account made without consent (only the poster)');

  // a forged or missing token is refused before anything happens
  const forged = await page.request.post(L.base + '/login', { form: { ...form, csrf: 'x'.repeat(22), accept: '1' } });
  assert.equal(forged.status(), 403);
  assert.match(await forged.text(), /页面已过期或来源不明/);

  // a wrong code is shown next to its field
  await page.goto(L.base + '/login');
  await page.fill('#phone', phone);
  await page.fill('#code', '000000');
  await page.check('#accept');
  await page.click('button.primary');
  assert.match(await page.locator('#code-error').innerText(), /验证码不正确/);
  assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#accept').isChecked(), false, 'never pre-ticked, even after an error');
  await shot('login-error');

  await page.fill('#code', code);
  await page.check('#accept');
  await page.click('button.primary');
  await page.waitForURL(L.base + '/');
  assert.equal(await page.locator('.site-header .who').innerText(), '我的');
  const session = (await nojs.cookies()).find((c) => c.name === 'linli_session');
  assert.ok(session?.httpOnly, 'an HttpOnly session cookie');
  assert.equal(L.sql(`SELECT count(*) FROM users`), '2');
  await shot('home-signed-in');
  assert.deepEqual(cspErrors, []);
});

test('B9, B10: "near me" asks for the position only when tapped, shows distances, and stores no coordinate', async () => {
  // without JavaScript there is no button (and nothing asks for a position); the city search works as before
  await page.goto(L.base + '/s?q=' + encodeURIComponent('搬家') + '&city=4401');
  assert.equal(await page.locator('#near-me').isVisible(), false);

  const geo = await W.newContext({ javaScriptEnabled: true, geolocation: { latitude: 23.1301, longitude: 113.3302 },
    permissions: ['geolocation'] });
  const p = await geo.newPage();
  await p.goto(L.base + '/s?q=' + encodeURIComponent('搬家') + '&city=4401');
  assert.match(await p.locator('#near-hint').innerText(), /点按后浏览器才会询问您的位置/);
  await p.click('#near-me');
  await p.waitForURL(/near=23\.130%2C113\.330/);
  assert.match(await p.locator('#near-on').innerText(), /附近 10 公里/);
  assert.match(await p.locator(`.card[data-id="${ids.moving}"] .distance`).innerText(), /约 1\.1 公里/);
  await shot('search-near', p);
  await p.click(`.card[data-id="${ids.moving}"] a`);
  assert.match(await p.locator('#distance').innerText(), /距您约 1\.1 公里/);
  await geo.close();
  assert.equal(L.sql(`SELECT count(*) FROM listings WHERE lat = 23.13 OR lat = 23.1301`), '0', 'the searched point is written nowhere');
  assert.deepEqual(cspErrors, []);
});
