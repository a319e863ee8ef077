// svcpages.test.mjs — the home-service pages over plain HTTP (no browser): another person's order page and every
// action on it answer the site's 404 page and change nothing (C8); a form without its CSRF token, or from another
// site, changes nothing (C5, C9); the merchant's page shows exactly the domain's view of the customer's contact in
// each state, masked once order_contact_days have passed (C8, E6); the cashier's way back finds only one's own order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, multipartUpload } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { payOrder, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY, order_contact_days: 0 });
let mod, merchant, customer, stranger;
const ADDRESS = '广州市天河区体育西路8号301室', PHONE = '13812345678';
const NOT_FOUND = '<h1>页面不存在</h1>';

// A page as the person's browser gets it: its form's CSRF token and the cookie the token belongs to.
async function page(who, url) {
  const res = await L.req('GET', url, { token: who.token });
  const csrf = res.text.match(/name="csrf" value="([^"]+)"/)?.[1];
  const cookie = res.headers.get('set-cookie')?.match(/linli_csrf=[^;]+/)?.[0];
  return { ...res, csrf, cookie };
}

// Posts a form as a browser would (urlencoded, with the cookie; a redirect is answered, not followed).
async function post(who, url, fields, cookie, headers = {}) {
  return send(who, url, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', cookie, headers);
}

async function send(who, url, body, type, cookie, headers = {}) {
  const res = await fetch(L.base + url, { method: 'POST', redirect: 'manual', body, headers: { authorization: `Bearer ${who.token}`,
    'content-type': type, ...(cookie ? { cookie } : {}), ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function newOrder() {
  const res = await L.req('POST', '/api/v1/orders', { token: customer.token, body: { service_id: merchant.services[0],
    time: beijing(1, 10), district: 440106, address: ADDRESS, phone: PHONE } });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}
const status = (id) => L.sql(`SELECT status FROM orders WHERE id = ${id}`);

before(async () => {
  await L.start();
  mod = await staff(L, '13644440000', 'moderator');
  merchant = await merchantWith(L, '13644440001', mod, '天河好帮手', [{ category: 'cleaning', title: '日常保洁 2小时', price: 12000 }]);
  customer = await L.signIn('13644440002');
  stranger = await L.signIn('13644440003');
});
after(async () => { await L.stop(); L.cleanup(); });

test('C8: another person\'s order page, and every action on it, is the 404 page and changes nothing', async () => {
  const id = await newOrder();
  const own = await page(customer, `/orders/${id}`);
  assert.equal(own.status, 200);
  assert.ok(own.text.includes(ADDRESS), 'the customer sees their own address');
  const seen = await page(stranger, `/orders/${id}`);
  assert.equal(seen.status, 404);
  assert.ok(seen.text.includes(NOT_FOUND), seen.text);
  assert.ok(!seen.text.includes(ADDRESS) && !seen.text.includes('日常保洁'), 'nothing of the order');
  assert.equal((await page(stranger, '/orders/999999')).status, 404, 'the same page as for no order at all');
  const form = await page(stranger, '/me'); // the stranger's own valid token and cookie
  for (const [url, fields] of [[`/orders/${id}/move`, { move: 'cancel' }], [`/orders/${id}/pay`, {}]]) {
    const res = await post(stranger, url, { csrf: form.csrf, ...fields }, form.cookie);
    assert.equal(res.status, 404, url);
    assert.ok(res.text.includes(NOT_FOUND), url);
  }
  const up = multipartUpload('photo', Buffer.from('x'));
  const review = await L.req('POST', `/orders/${id}/review/photos`, { token: stranger.token, raw: up.raw, headers: up.headers });
  assert.equal(review.status, 403, 'no token in the upload: refused before anything is looked up');
  assert.equal(status(id), 'created');
  assert.equal(L.sql('SELECT count(*) FROM payments'), '0', 'no payment started');
  const back = await L.req('GET', `/pay/return?order_no=${L.sql(`SELECT number FROM orders WHERE id = ${id}`)}`, { token: stranger.token });
  assert.equal(back.status, 404, 'the way back from the cashier finds only one\'s own order');
});

test('C5, C8: an order form without its CSRF token, with another browser\'s, or from another site changes nothing', async () => {
  const id = await newOrder();
  const form = await page(customer, `/orders/${id}`);
  assert.ok(form.csrf && form.cookie);
  for (const [fields, cookie, headers, why] of [
    [{ move: 'cancel' }, form.cookie, {}, 'no token'],
    [{ move: 'cancel', csrf: form.csrf }, 'linli_csrf=AAAAAAAAAAAAAAAAAAAAAA', {}, 'another browser\'s cookie'],
  ]) {
    const res = await post(customer, `/orders/${id}/move`, fields, cookie, headers);
    assert.equal(res.status, 403, why);
    assert.ok(res.text.includes('页面已过期'), why);
  }
  // a cookie-borne session posting from another site is refused before the handler runs
  const cross = await fetch(L.base + `/orders/${id}/move`, { method: 'POST', redirect: 'manual',
    body: `move=cancel&csrf=${encodeURIComponent(form.csrf)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `linli_session=${customer.token}; ${form.cookie}`,
      origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(cross.status, 403);
  const pay = await post(customer, `/orders/${id}/pay`, {}, form.cookie);
  assert.equal(pay.status, 403, 'paying without the token');
  assert.equal(status(id), 'created');
  assert.equal(L.sql(`SELECT count(*) FROM payments WHERE order_id = ${id}`), '0');
  const ok = await post(customer, `/orders/${id}/move`, { move: 'cancel', csrf: form.csrf }, form.cookie);
  assert.equal(ok.status, 303, 'the same form with its token works');
  assert.equal(ok.headers.get('location'), `/orders/${id}?done=cancel`);
  assert.equal(status(id), 'cancelled');
});

test('C8, E6: the merchant\'s order page shows the domain\'s view: hidden, shown after accepting, masked after the days', async () => {
  const id = await newOrder();
  const reveals = () => Number(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.contact_revealed' AND subject = ${customer.user.id}`));
  const before = reveals();
  const contact = (html) => html.match(/data-contact="(\w+)"/)?.[1];
  let m = await page(merchant, `/orders/${id}`);
  assert.equal(m.status, 200);
  assert.equal(contact(m.text), 'hidden', 'created: hidden');
  await payOrder(L, customer, id);
  m = await page(merchant, `/orders/${id}`);
  assert.equal(contact(m.text), 'hidden', 'paid, not accepted: hidden');
  assert.ok(!m.text.includes(PHONE) && !m.text.includes('体育西路'), 'C8: neither phone nor street');
  assert.equal(reveals(), before);
  const moved = await post(merchant, `/orders/${id}/move`, { move: 'accept', csrf: m.csrf }, m.cookie);
  assert.equal(moved.status, 303);
  m = await page(merchant, `/orders/${id}`);
  assert.equal(contact(m.text), 'shown');
  assert.ok(m.text.includes(`href="tel:${PHONE}"`) && m.text.includes(ADDRESS));
  assert.equal(reveals(), before + 1, 'E6: the reveal is audited');
  // the customer may not move the merchant's steps: the page says so and nothing changes
  const c = await page(customer, `/orders/${id}`);
  const wrong = await post(customer, `/orders/${id}/move`, { move: 'start', csrf: c.csrf }, c.cookie);
  assert.equal(wrong.status, 403);
  assert.ok(wrong.text.includes('另一方'), wrong.text);
  assert.equal(status(id), 'accepted');
  for (const move of ['start', 'complete'])
    assert.equal((await post(merchant, `/orders/${id}/move`, { move, csrf: m.csrf }, m.cookie)).status, 303, move);
  m = await page(merchant, `/orders/${id}`); // order_contact_days = 0: masked at once after completion
  assert.equal(contact(m.text), 'masked');
  assert.ok(!m.text.includes(PHONE) && !m.text.includes(ADDRESS), 'masked values only');
  assert.match(m.text, /138\*{4}5678/);
  assert.equal(reveals(), before + 1, 'a masked view reveals nothing');
});

test('C9: a review form without its token writes nothing; the merchant cannot review', async () => {
  const id = await newOrder();
  await payOrder(L, customer, id);
  const m = await page(merchant, `/orders/${id}`);
  for (const move of ['accept', 'start', 'complete']) await post(merchant, `/orders/${id}/move`, { move, csrf: m.csrf }, m.cookie);
  const b = '----linli-review';
  const body = (csrf) => Buffer.from([csrf ? `--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` : '',
    `--${b}\r\nContent-Disposition: form-data; name="rating"\r\n\r\n4\r\n`,
    `--${b}\r\nContent-Disposition: form-data; name="text"\r\n\r\n很好\r\n--${b}--\r\n`].join(''));
  const review = (who, csrf, cookie) => send(who, `/orders/${id}/review`, body(csrf), `multipart/form-data; boundary=${b}`, cookie);
  const c = await page(customer, `/orders/${id}`);
  assert.equal((await review(customer, null, c.cookie)).status, 403);
  assert.equal((await review(merchant, m.csrf, m.cookie)).status, 403, 'the merchant is the wrong party');
  assert.equal(L.sql('SELECT count(*) FROM reviews'), '0');
  const ok = await review(customer, c.csrf, c.cookie);
  assert.equal(ok.status, 303, ok.text);
  assert.equal(L.sql(`SELECT status FROM orders WHERE id = ${id}`), 'reviewed');
});
