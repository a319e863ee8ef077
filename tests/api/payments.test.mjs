// payments.test.mjs — paying through the provider interface: the sandbox's page, signed asynchronous callbacks,
// duplicates and disorder, refunds, and a ledger that always sums to zero (C5, E6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { confirmAt, openCashier, payOrder, sign, waitFor, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
let merchant, customer, stranger, body;
const ADDRESS = '广州市越秀区北京路1号', PHONE = '13744445555';
const newOrder = async () => (await L.req('POST', '/api/v1/orders', { token: customer.token, body })).json.id;
const callback = (raw, sig) => L.req('POST', '/api/v1/payments/sandbox/callback', { raw, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sig } });
const ledgerRows = () => Number(L.sql('SELECT count(*) FROM ledger'));
const status = (id) => L.sql(`SELECT o.status || '|' || coalesce((SELECT group_concat(status) FROM payments WHERE order_id = o.id), '') FROM orders o WHERE o.id = ${id}`);

function assertBalanced() {
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0', 'the ledger sums to zero');
  assert.equal(L.sql('SELECT count(*) FROM (SELECT txn FROM ledger GROUP BY txn HAVING sum(amount_fen) <> 0 OR count(*) <> 2)'), '0', 'every movement balances');
}

// A callback as the sandbox would send it, for a payment the test started itself.
function notice(event, payment, orderNo, amount = 12000) {
  return JSON.stringify({ amount_fen: amount, at: Math.floor(Date.now() / 1000), event, order_no: orderNo, trade_no: payment.trade_no });
}

before(async () => {
  await L.start();
  const mod = await staff(L, '13744440000', 'moderator');
  merchant = await merchantWith(L, '13744440001', mod, '越秀保洁', [{ category: 'cleaning', title: '深度保洁 4小时', price: 12000 }]);
  customer = await L.signIn('13744440002');
  stranger = await L.signIn('13744440003');
  body = { service_id: merchant.services[0], time: beijing(2, 9), district: 440104, address: ADDRESS, phone: PHONE };
});
after(async () => { await L.stop(); L.cleanup(); });

test('C5: the provider receives the order number, the item and the amount, nothing else; the share is recorded', async () => {
  const id = await newOrder();
  const start = await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(start.status, 200, start.text);
  assert.equal(start.json.provider, 'sandbox');
  assert.match(start.json.payment_url, /^\/sandbox\/pay\/SBX[0-9a-f]{32}$/);
  assert.equal(start.json.payment_url, `/sandbox/pay/${start.json.trade_no}`);
  const again = await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(again.json.payment_url, start.json.payment_url, 'paying again resumes the same payment');
  const request = JSON.parse(L.sql(`SELECT request FROM sandbox_trades WHERE trade_no = '${start.json.trade_no}'`));
  const number = L.sql(`SELECT number FROM orders WHERE id = ${id}`);
  assert.deepEqual(request, { amount_fen: 12000, item: '深度保洁 4小时', order_no: number });
  const all = L.sql('SELECT group_concat(request) FROM sandbox_trades');
  for (const secret of [PHONE, '北京路', String(customer.user.id) + ',', '13744440002']) assert.ok(!all.includes(secret), secret);
  const shares = await L.req('GET', '/api/v1/me/shares', { token: customer.token });
  const s = shares.json.items.find((i) => i.recipient.includes('支付沙箱'));
  assert.ok(s, shares.text);
  assert.deepEqual(s.fields.map((f) => f.id).sort(), ['orders.amount_fen', 'orders.item']);
  assert.equal(L.sql(`SELECT count(*) FROM shares WHERE recipient LIKE '支付沙箱%' AND user_id = ${customer.user.id}`), '1');
});

test('C5: only the customer pays, only a created order; the cashier page shows item and amount', async () => {
  const id = await newOrder();
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/pay`, { token: merchant.token })).json.error.code, 'order_wrong_party');
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/pay`, { token: stranger.token })).status, 404);
  const p = await payOrder(L, customer, id);
  const page = await L.req('GET', p.payment_url, { token: customer.token });
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.ok(page.text.includes('深度保洁 4小时') && page.text.includes('¥120.00'), page.text);
  assert.ok(!page.text.includes('确认支付'), 'a paid trade offers no button');
  assert.equal(status(id), 'paid|paid');
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json.error.code, 'order_wrong_state');
  assert.equal(L.sql(`SELECT group_concat(account || '=' || amount_fen) FROM ledger WHERE order_id = ${id} ORDER BY id`),
    `provider:sandbox=12000,merchant:${merchant.merchantId}=-12000`);
  assertBalanced();
});

test('C5: a callback with a bad signature, a wrong amount or an unknown trade changes nothing', async () => {
  const id = await newOrder();
  const p = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  const number = L.sql(`SELECT number FROM orders WHERE id = ${id}`);
  const rows = ledgerRows();
  const good = notice('paid', p, number);
  for (const [raw, sig, code] of [
    [good, sign(good, 'wrong-key'), 401],
    [good, sign(good).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), 401],
    [good, undefined, 401],
    [good.replace('12000', '1'), sign(good), 401], // the body changed after signing
    [notice('paid', p, number, 1), sign(notice('paid', p, number, 1)), 422],
    [notice('paid', { trade_no: 'SBX9999999999' }, number), sign(notice('paid', { trade_no: 'SBX9999999999' }, number)), 404],
    ['{"event":"paid"}', sign('{"event":"paid"}'), 422],
  ]) {
    const res = await callback(raw, sig);
    assert.equal(res.status, code, `${raw}: ${res.text}`);
  }
  assert.equal(ledgerRows(), rows);
  assert.equal(status(id), 'created|pending');
});

test('C5: duplicate callbacks are applied once; the ledger never moves twice', async () => {
  const id = await newOrder();
  await payOrder(L, customer, id);
  const delivered = L.sql(`SELECT body || char(9) || signature FROM sandbox_notices WHERE body LIKE '%"paid"%' AND delivered_at IS NOT NULL ORDER BY id DESC LIMIT 1`);
  const [raw, sig] = delivered.split('\t');
  const rows = ledgerRows();
  for (let i = 0; i < 3; i++) assert.equal((await callback(raw, sig)).status, 200, 'acknowledged again');
  assert.equal(ledgerRows(), rows);
  assert.equal(status(id), 'paid|paid');
  assertBalanced();
});

test('E6: a cancelled paid order is refunded through the provider; late and repeated callbacks change nothing', async () => {
  const id = await newOrder();
  await payOrder(L, customer, id);
  const paidNotice = L.sql(`SELECT body || char(9) || signature FROM sandbox_notices WHERE body LIKE '%"paid"%' ORDER BY id DESC LIMIT 1`).split('\t');
  await L.req('POST', `/api/v1/orders/${id}/accept`, { token: merchant.token });
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/cancel`, { token: merchant.token })).json.status, 'refunded');
  await waitFor(() => status(id) === 'refunded|refunded', 'the refund callback');
  assert.equal(L.sql(`SELECT sum(amount_fen) FROM ledger WHERE account = 'merchant:${merchant.merchantId}' AND order_id = ${id}`), '0');
  const rows = ledgerRows();
  const refundNotice = L.sql(`SELECT body || char(9) || signature FROM sandbox_notices WHERE body LIKE '%"refunded"%' ORDER BY id DESC LIMIT 1`).split('\t');
  for (const [raw, sig] of [refundNotice, paidNotice, refundNotice]) assert.equal((await callback(raw, sig)).status, 200);
  assert.equal(ledgerRows(), rows);
  assert.equal(status(id), 'refunded|refunded');
  assertBalanced();
});

test('C5: a refund callback before its payment callback posts both in order; the late payment changes nothing', async () => {
  const id = await newOrder();
  const p = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  const number = L.sql(`SELECT number FROM orders WHERE id = ${id}`);
  const refunded = notice('refunded', p, number), paid = notice('paid', p, number);
  assert.equal((await callback(refunded, sign(refunded))).status, 200);
  assert.equal(status(id), 'refunded|refunded');
  const rows = ledgerRows();
  assert.equal((await callback(paid, sign(paid))).status, 200);
  assert.equal(ledgerRows(), rows);
  assert.equal(L.sql(`SELECT group_concat(txn, ',') FROM (SELECT DISTINCT txn FROM ledger WHERE order_id = ${id} ORDER BY id)`).split(',').map((t) => t.split(':')[0]).join(','), 'pay,refund');
  assertBalanced();
});

test('C5: money arriving for an order cancelled while paying goes back', async () => {
  const id = await newOrder();
  const p = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/cancel`, { token: customer.token })).json.status, 'cancelled');
  assert.equal((await confirmAt(L, customer, p.payment_url)).status, 200);
  await waitFor(() => status(id) === 'refunded|refunded', 'the automatic refund');
  assertBalanced();
});

test('C5: the cashier address is an unguessable trade number; a guessed or counted one, or another person\'s, is 404 and pays nothing', async () => {
  const id = await newOrder();
  const p = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  const other = (await L.req('POST', `/api/v1/orders/${await newOrder()}/pay`, { token: customer.token })).json;
  assert.notEqual(p.trade_no.slice(3, 19), other.trade_no.slice(3, 19), 'numbers do not count up');
  const notices = () => L.sql('SELECT count(*) FROM sandbox_notices');
  const before = notices();
  const rowid = L.sql(`SELECT id FROM sandbox_trades WHERE trade_no = '${p.trade_no}'`);
  const guesses = ['/sandbox/pay/SBX' + '0'.repeat(32), `/sandbox/pay/${rowid}`, `/sandbox/pay/SBX${rowid.padStart(10, '0')}`,
    `/sandbox/pay/${p.trade_no.slice(0, -1)}${p.trade_no.endsWith('0') ? '1' : '0'}`, `/sandbox/pay/${p.trade_no}/confirm`];
  for (const url of guesses) {
    assert.equal((await L.req('GET', url, { token: customer.token })).status, 404, url);
    assert.equal((await confirmAt(L, customer, url)).status, 404, url);
  }
  for (const who of [stranger, merchant]) { // another signed-in person, the merchant included, has no such trade
    const seen = await L.req('GET', p.payment_url, { token: who.token });
    assert.equal(seen.status, 404, seen.text);
    assert.ok(seen.text.includes('<h1>页面不存在</h1>'), 'the site\'s 404 page, not JSON: ' + seen.text);
    assert.equal((await confirmAt(L, who, p.payment_url)).status, 404);
  }
  // signed out, the cashier is a page: the browser is sent to sign in (and back to the page after), nothing is paid
  const out = await fetch(L.base + p.payment_url, { redirect: 'manual' });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('location'), `/login?next=${p.payment_url}`);
  const outPost = await fetch(L.base + p.payment_url, { method: 'POST', redirect: 'manual', body: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(outPost.status, 303, 'no login, no confirm');
  assert.equal(outPost.headers.get('location'), '/login');
  assert.equal(notices(), before, 'no callback was queued');
  assert.equal(L.sql(`SELECT status FROM sandbox_trades WHERE trade_no = '${p.trade_no}'`), 'waiting');
  assert.equal(status(id), 'created|pending');
});

test('C5: confirming twice is idempotent: one callback, one ledger movement, the paid page again', async () => {
  const id = await newOrder();
  const p = await payOrder(L, customer, id);
  const rows = ledgerRows();
  const again = await confirmAt(L, customer, p.payment_url);
  assert.equal(again.status, 200, again.text);
  assert.ok(again.text.includes('id="status">paid<') && !again.text.includes('确认支付'), again.text);
  await new Promise((r) => setTimeout(r, 700)); // a second callback, had one been queued, would be delivered by now
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_notices WHERE body LIKE '%${p.trade_no}%'`), '1');
  assert.equal(ledgerRows(), rows);
  assert.equal(status(id), 'paid|paid');
  assertBalanced();
});

test('C5: money for an older trade of an order paid meanwhile goes back alone; the order stays paid', async () => {
  const id = await newOrder();
  const first = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  // the first trade is left behind (as if recorded by a request that lost a race), then another is paid
  L.sql(`UPDATE payments SET status = 'paid' WHERE trade_no = '${first.trade_no}'`);
  const second = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  assert.notEqual(second.trade_no, first.trade_no);
  L.sql(`UPDATE payments SET status = 'pending' WHERE trade_no = '${first.trade_no}'`);
  assert.equal((await confirmAt(L, customer, second.payment_url)).status, 200);
  await waitFor(() => status(id).startsWith('paid|'), 'the second trade paid');
  assert.equal((await confirmAt(L, customer, first.payment_url)).status, 200);
  await waitFor(() => L.sql(`SELECT status FROM payments WHERE trade_no = '${first.trade_no}'`) === 'refunded', 'the refund');
  assert.equal(L.sql(`SELECT status FROM orders WHERE id = ${id}`), 'paid');
  assertBalanced();
});

test('C5: after pay, refunds and duplicates the whole ledger sums to zero and the provider holds only what is paid', async () => {
  assertBalanced();
  const held = L.sql("SELECT sum(amount_fen) FROM ledger WHERE account = 'provider:sandbox'");
  const paid = L.sql("SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE status = 'paid'");
  assert.equal(held, paid);
  assert.equal(L.sql("SELECT count(*) FROM sandbox_notices WHERE delivered_at IS NULL"), '0', 'every callback was acknowledged');
  assert.throws(() => L.sql('UPDATE ledger SET amount_fen = 0'), /append-only/);
});

test('C5: the cashier\'s confirm form carries the CSRF token: without it, or with a wrong one, nothing is paid; with it the order is paid', async () => {
  const id = await newOrder();
  const p = (await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).json;
  const page = await L.req('GET', p.payment_url, { token: customer.token });
  assert.equal(page.status, 200);
  const csrf = page.text.match(/<form[^>]*>.*name="csrf" value="([A-Za-z0-9_-]{16,})".*确认支付/)?.[1];
  assert.ok(csrf, page.text);
  const cookie = page.headers.get('set-cookie').match(/linli_csrf=[^;]+/)[0];
  const post = (raw, headers) => L.req('POST', p.payment_url, { token: customer.token, raw,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const notices = () => L.sql(`SELECT count(*) FROM sandbox_notices WHERE body LIKE '%${p.trade_no}%'`);
  const other = (await openCashier(L, stranger, `/sandbox/pay/${(await L.req('POST', `/api/v1/orders/${await newOrder()}/pay`, { token: customer.token })).json.trade_no}`));
  assert.equal(other.status, 404);
  const tampered = csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A');
  for (const [raw, headers, why] of [['', { cookie }, 'no token'], [`csrf=${csrf}`, {}, 'no cookie'],
    [`csrf=${tampered}`, { cookie }, 'a wrong token'], [`csrf=${csrf}`, { cookie: 'linli_csrf=AAAAAAAAAAAAAAAAAAAAAA' }, 'another browser\'s cookie']]) {
    const res = await post(raw, headers);
    assert.equal(res.status, 403, why);
    assert.ok(res.text.includes('页面已过期'), res.text);
  }
  assert.equal(L.sql(`SELECT status FROM sandbox_trades WHERE trade_no = '${p.trade_no}'`), 'waiting');
  assert.equal(notices(), '0', 'no callback was queued');
  assert.equal(status(id), 'created|pending');
  const ok = await post(`csrf=${csrf}`, { cookie });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.text.includes('id="status">paid<'), ok.text);
  await waitFor(() => status(id) === 'paid|paid', 'the callback marks the order paid');
  assertBalanced();
});
