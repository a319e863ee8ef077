// disputes.test.mjs — a customer disputes an order; support staff settle it with a full refund, part of one, or a
// release to the merchant, through the payment provider with an idempotency key; the ledger stays balanced, both
// parties are told, every settlement is audited (E6, C8, C5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { payOrder, waitFor, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
let merchant, customer, support, mod, body;
const PRICE = 12000;
const act = (who, id, a, b) => L.req('POST', `/api/v1/orders/${id}/${a}`, { token: who.token, body: b });
const resolve = (who, id, b) => L.req('POST', `/api/v1/staff/orders/${id}/resolve`, { token: who.token, body: b });
const callback = (raw, sig) => L.req('POST', '/api/v1/payments/sandbox/callback', { raw, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sig } });
const messages = async (who) => (await L.req('GET', '/api/v1/me/messages', { token: who.token })).json.items;
const held = (account, id) => Number(L.sql(`SELECT coalesce(sum(amount_fen), 0) FROM ledger WHERE account = '${account}' AND order_id = ${id}`));

function assertBalanced() {
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0', 'the ledger sums to zero');
  assert.equal(L.sql('SELECT count(*) FROM (SELECT txn FROM ledger GROUP BY txn HAVING sum(amount_fen) <> 0 OR count(*) <> 2)'), '0', 'every movement balances');
}

// An order paid, accepted and started (completed too when asked), then disputed by the customer.
async function disputed(reason = 'quality', complete = true) {
  const res = await L.req('POST', '/api/v1/orders', { token: customer.token, body });
  assert.equal(res.status, 201, res.text);
  const id = res.json.id;
  await payOrder(L, customer, id);
  for (const a of complete ? ['accept', 'start', 'complete'] : ['accept', 'start'])
    assert.equal((await act(merchant, id, a)).status, 200, a);
  const d = await act(customer, id, 'dispute', reason ? { reason } : undefined);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.status, 'disputed');
  return id;
}

before(async () => {
  await L.start();
  mod = await staff(L, '13755550000', 'moderator');
  merchant = await merchantWith(L, '13755550001', mod, '海珠家政', [{ category: 'cleaning', title: '日常保洁 3小时', price: PRICE }]);
  customer = await L.signIn('13755550002');
  support = await staff(L, '13755550003', 'support');
  body = { service_id: merchant.services[0], time: beijing(3, 10), district: 440106, address: '广州市天河区天河路100号', phone: '13755556666' };
});
after(async () => { await L.stop(); L.cleanup(); });

test('E6: the customer disputes with a reason from a list; the merchant is told; staff see it among the open disputes', async () => {
  const res = await L.req('POST', '/api/v1/orders', { token: customer.token, body });
  const id = res.json.id;
  await payOrder(L, customer, id);
  assert.equal((await act(customer, id, 'dispute', { reason: 'quality' })).status, 409, 'not before the service');
  for (const a of ['accept', 'start']) await act(merchant, id, a);
  const bad = await act(customer, id, 'dispute', { reason: 'angry' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'reason');
  assert.equal((await act(customer, id, 'dispute', { reason: 'no_show', note: 'x' })).status, 400, 'no free text');
  assert.equal((await act(merchant, id, 'dispute', { reason: 'no_show' })).status, 403);
  assert.equal(L.sql(`SELECT status FROM orders WHERE id = ${id}`), 'in_service', 'nothing written by a refusal');
  assert.equal((await act(customer, id, 'dispute', { reason: 'no_show' })).json.status, 'disputed');
  const view = await L.req('GET', `/api/v1/orders/${id}`, { token: customer.token });
  assert.equal(view.json.dispute.reason, 'no_show');
  assert.equal(view.json.dispute.reason_label, '商家未按约上门');
  assert.equal(view.json.dispute.outcome, null);
  assert.ok((await messages(merchant)).some((m) => m.title === '订单有争议' && m.body.includes(res.json.number)));
  const list = await L.req('GET', '/api/v1/staff/disputes', { token: support.token });
  assert.equal(list.status, 200, list.text);
  const item = list.json.items.find((i) => i.order_id === id);
  assert.equal(item.reason, 'no_show');
  assert.equal(item.paid, PRICE);
  assert.ok(!list.text.includes('天河路100号') && !list.text.includes('13755556666'), 'no contact data for staff here');
  assert.equal((await L.req('GET', '/api/v1/staff/disputes', { token: mod.token })).status, 403, 'support staff only');
  assert.equal((await L.req('GET', '/api/v1/staff/disputes', { token: customer.token })).status, 403);
});

test('E6/C5: a full refund goes back through the provider once; the ledger balances; both parties are told; audited', async () => {
  const id = await disputed();
  const res = await resolve(support, id, { outcome: 'refund' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.status, res.json.outcome, res.json.refund], ['refunded', 'refund', PRICE]);
  await waitFor(() => L.sql(`SELECT status FROM payments WHERE order_id = ${id}`) === 'refunded', 'the refund callback');
  assert.equal(held('provider:sandbox', id), 0);
  assert.equal(held(`merchant:${merchant.merchantId}`, id), 0);
  assertBalanced();
  const paymentId = L.sql(`SELECT id FROM payments WHERE order_id = ${id}`);
  assert.equal(L.sql(`SELECT count(*) FROM payments WHERE order_id = ${id} AND refund_requested_at IS NOT NULL`), '1');
  assert.ok(paymentId);
  for (const who of [customer, merchant])
    assert.ok((await messages(who)).some((m) => m.title === '订单争议处理结果' && m.body.includes('全额退款 ¥120.00')), 'both told');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.dispute_resolved' AND actor = ${support.user.id} AND subject = ${customer.user.id} AND detail LIKE '%"order":${id},%'`), '1');
  const again = await resolve(support, id, { outcome: 'refund' });
  assert.equal(again.status, 409, 'settled once');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.dispute_resolved' AND detail LIKE '%"order":${id},%'`), '1');
  const view = await L.req('GET', `/api/v1/orders/${id}`, { token: customer.token });
  assert.deepEqual([view.json.status, view.json.dispute.outcome, view.json.dispute.refund], ['refunded', 'refund', PRICE]);
});

test('E6/C5: a partial refund in integer fen goes back under its idempotency key; duplicate callbacks post once', async () => {
  const id = await disputed('overcharge', false);
  for (const [b, status, field] of [[{ outcome: 'partial' }, 422, 'amount'], [{ outcome: 'partial', amount: 0 }, 422, 'amount'],
    [{ outcome: 'partial', amount: PRICE + 1 }, 422, 'amount'], [{ outcome: 'partial', amount: 30.5 }, 400, 'amount'],
    [{ outcome: 'partial', amount: '3000' }, 400, 'amount'], [{ outcome: 'gift' }, 422, 'outcome'], [{}, 400, 'outcome'],
    [{ outcome: 'release', amount: 100 }, 422, 'amount']]) {
    const res = await resolve(support, id, b);
    assert.equal(res.status, status, `${JSON.stringify(b)}: ${res.text}`);
    assert.equal(res.json.error.field, field);
  }
  assert.equal(L.sql(`SELECT status || '|' || coalesce(dispute_outcome, '') FROM orders WHERE id = ${id}`), 'disputed|', 'nothing written');
  const res = await resolve(support, id, { outcome: 'partial', amount: 3050 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.status, res.json.outcome, res.json.refund], ['resolved', 'partial', 3050]);
  const number = L.sql(`SELECT number FROM orders WHERE id = ${id}`);
  assert.equal(L.sql(`SELECT refund_no || '|' || amount_fen FROM sandbox_refunds`), `DP${number}|3050`, 'the provider got the key');
  await waitFor(() => L.sql(`SELECT count(*) FROM ledger WHERE txn = 'refund:DP${number}'`) === '2', 'the partial refund callback');
  assert.equal(held('provider:sandbox', id), PRICE - 3050, 'the provider keeps the rest for the merchant');
  assert.equal(held(`merchant:${merchant.merchantId}`, id), -(PRICE - 3050));
  assert.equal(L.sql(`SELECT status FROM payments WHERE order_id = ${id}`), 'paid', 'the payment still holds the rest');
  assertBalanced();
  const rows = L.sql('SELECT count(*) FROM ledger');
  const [raw, sig] = L.sql(`SELECT body || char(9) || signature FROM sandbox_notices WHERE body LIKE '%refunded_part%' AND body LIKE '%${number}%'`).split('\t');
  for (let i = 0; i < 3; i++) assert.equal((await callback(raw, sig)).status, 200, 'acknowledged again');
  assert.equal(L.sql('SELECT count(*) FROM ledger'), rows, 'a duplicate callback moves nothing');
  const forged = raw.replace('"amount_fen":3050', `"amount_fen":${PRICE}`);
  assert.notEqual((await callback(forged, sig)).status, 200, 'a changed body does not verify');
  for (const who of [customer, merchant])
    assert.ok((await messages(who)).some((m) => m.body.includes(number) && m.body.includes('部分退款 ¥30.50')));
  assertBalanced();
});

test('E6: a release leaves the money with the merchant; no refund is asked; both are told', async () => {
  const id = await disputed('damage');
  const requests = L.sql('SELECT count(*) FROM sandbox_notices');
  const res = await resolve(support, id, { outcome: 'release' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.status, res.json.outcome, res.json.refund], ['resolved', 'release', 0]);
  assert.equal(L.sql('SELECT count(*) FROM sandbox_notices'), requests, 'nothing asked of the provider');
  assert.equal(held('provider:sandbox', id), PRICE);
  assert.equal(held(`merchant:${merchant.merchantId}`, id), -PRICE);
  for (const who of [customer, merchant])
    assert.ok((await messages(who)).some((m) => m.body.includes('款项结算给商家')));
  assertBalanced();
});

test('E6: only a disputed order is settled; a missing one is 404; two staff racing settle it once', async () => {
  assert.equal((await resolve(support, 999999, { outcome: 'release' })).status, 404);
  const open = (await L.req('POST', '/api/v1/orders', { token: customer.token, body })).json.id;
  const early = await resolve(support, open, { outcome: 'refund' });
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'order_wrong_state');
  const id = await disputed();
  assert.equal((await resolve(mod, id, { outcome: 'release' })).status, 403, 'a moderator is not support');
  assert.equal((await resolve(customer, id, { outcome: 'refund' })).status, 403);
  const race = await Promise.all([resolve(support, id, { outcome: 'refund' }), resolve(support, id, { outcome: 'partial', amount: 100 }),
    resolve(support, id, { outcome: 'release' })]);
  assert.deepEqual(race.map((r) => r.status).sort(), [200, 409, 409], race.map((r) => r.text).join(' '));
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.dispute_resolved' AND detail LIKE '%"order":${id},%'`), '1');
  const number = L.sql(`SELECT number FROM orders WHERE id = ${id}`);
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_refunds WHERE refund_no = 'DP${number}'`), race.some((r) => r.json.outcome === 'partial') ? '1' : '0');
  await waitFor(() => L.sql('SELECT count(*) FROM sandbox_notices WHERE delivered_at IS NULL') === '0', 'callbacks delivered');
  assertBalanced();
});
