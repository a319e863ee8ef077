// memberships.test.mjs — VIP memberships bought through the payment interface: plans, buying through the sandbox
// cashier, duplicate callbacks, extension, cancelling renewal, expiry by the sweep, export and erasure (A6, C5, G4, G5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';
import { buyMembership, confirmAt, sign, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
const DAY = 86400;
const callback = (raw) => L.req('POST', '/api/v1/payments/sandbox/callback', { raw, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sign(raw) } });
const mine = async (who) => (await L.req('GET', '/api/v1/me/membership', { token: who.token })).json;
const epoch = (iso) => Math.floor(Date.parse(iso) / 1000);

function assertBalanced() {
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0', 'the ledger sums to zero');
  assert.equal(L.sql('SELECT count(*) FROM (SELECT txn FROM ledger GROUP BY txn HAVING sum(amount_fen) <> 0 OR count(*) <> 2)'), '0');
}

// Buys plan through the sandbox cashier as the member would; the membership is then active.
async function buy(who, plan) {
  const paid = await buyMembership(L, who, plan);
  assert.equal((await mine(who)).status, 'active');
  return paid;
}

before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

test('A6: the plans are listed with price in fen, length and benefits', async () => {
  const res = await L.req('GET', '/api/v1/memberships/plans');
  assert.equal(res.status, 200);
  const plans = Object.fromEntries(res.json.items.map((p) => [p.plan, p]));
  assert.ok(plans.monthly && plans.yearly, res.text);
  for (const p of res.json.items) assert.ok(Number.isInteger(p.price_fen) && p.price_fen > 0 && p.days > 0 && p.benefits && p.label, p.plan);
  assert.ok(plans.yearly.price_fen > plans.monthly.price_fen && plans.yearly.days > plans.monthly.days);
});

test('A6, C5: buying makes a pending membership order; the provider receives its number, the plan and the amount only', async () => {
  const m = await L.signIn('13811110001');
  assert.equal((await mine(m)).status, 'none');
  const bad = await L.req('POST', '/api/v1/me/membership', { token: m.token, body: { plan: 'forever' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.code, 'membership_plan_unknown');
  assert.equal(L.sql(`SELECT count(*) FROM membership_orders WHERE user_id = ${m.user.id}`), '0', 'nothing written');
  const start = await L.req('POST', '/api/v1/me/membership', { token: m.token, body: { plan: 'monthly' } });
  assert.equal(start.status, 201, start.text);
  assert.match(start.json.payment_url, /^\/sandbox\/pay\/SBX[0-9a-f]{32}$/);
  assert.match(start.json.number, /^VIP[0-9]{20}$/);
  const again = await L.req('POST', '/api/v1/me/membership', { token: m.token, body: { plan: 'monthly' } });
  assert.equal(again.json.payment_url, start.json.payment_url, 'buying again resumes the unpaid cashier page');
  const request = JSON.parse(L.sql(`SELECT request FROM sandbox_trades WHERE trade_no = '${start.json.trade_no}'`));
  assert.deepEqual(request, { amount_fen: 1800, item: '月度会员', order_no: start.json.number });
  assert.equal((await mine(m)).status, 'none', 'nothing is active before the money arrives');
  const shares = await L.req('GET', '/api/v1/me/shares', { token: m.token });
  const s = shares.json.items.find((i) => i.recipient.includes('支付沙箱'));
  assert.deepEqual(s.fields.map((f) => f.id).sort(), ['membership_orders.amount_fen', 'membership_orders.plan']);
  // someone else cannot confirm the member's cashier page
  const other = await L.signIn('13811110009');
  assert.equal((await confirmAt(L, other, start.json.payment_url)).status, 404);
});

test('A6: the signed callback activates the membership; a duplicate callback applies once; the ledger balances', async () => {
  const m = await L.signIn('13811110002');
  const t0 = Math.floor(Date.now() / 1000);
  const paid = await buy(m, 'monthly');
  const v = await mine(m);
  assert.equal(v.plan, 'monthly');
  assert.equal(v.auto_renew, true);
  const days = (epoch(v.expires_at) - t0) / DAY;
  assert.ok(days >= 30.9 && days <= 31.1, `31 days, got ${days}`);
  assertBalanced();
  const rows = L.sql('SELECT count(*) FROM ledger');
  const raw = JSON.stringify({ amount_fen: 1800, at: t0, event: 'paid', order_no: paid.number, trade_no: paid.trade_no });
  for (let i = 0; i < 3; i++) assert.equal((await callback(raw)).status, 200);
  assert.equal(L.sql('SELECT count(*) FROM ledger'), rows, 'no second movement');
  assert.equal((await mine(m)).expires_at, v.expires_at, 'not extended twice');
  const forged = JSON.stringify({ amount_fen: 1, at: t0, event: 'paid', order_no: paid.number, trade_no: paid.trade_no });
  assert.equal((await callback(forged)).status, 422);
  assert.equal((await L.req('POST', '/api/v1/payments/sandbox/callback', { raw, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sign(raw, 'wrong') } })).status, 401);
  assert.equal(L.sql(`SELECT account || ':' || amount_fen FROM ledger WHERE txn LIKE 'pay:membership:%' AND amount_fen < 0 ORDER BY id DESC LIMIT 1`), 'platform:membership:-1800');
  assertBalanced();
});

test('A6: buying again extends from the current expiry, not from today', async () => {
  const m = await L.signIn('13811110003');
  await buy(m, 'monthly');
  const first = epoch((await mine(m)).expires_at);
  await buy(m, 'yearly');
  const v = await mine(m);
  assert.equal(v.plan, 'yearly');
  assert.equal(epoch(v.expires_at) - first, 366 * DAY);
  assertBalanced();
});

test('A6: cancelling auto-renewal keeps the membership until its expiry; without one it is 404', async () => {
  const m = await L.signIn('13811110004');
  const none = await L.req('DELETE', '/api/v1/me/membership', { token: m.token });
  assert.equal(none.status, 404);
  assert.equal(none.json.error.code, 'membership_none');
  await buy(m, 'monthly');
  const before = await mine(m);
  const res = await L.req('DELETE', '/api/v1/me/membership', { token: m.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.auto_renew, false);
  const after = await mine(m);
  assert.deepEqual({ ...after }, { ...before, auto_renew: false, renewal_provider: null }, 'same plan, same expiry, still active');
  assert.equal((await L.req('DELETE', '/api/v1/me/membership', { token: m.token })).status, 200, 'again: no change');
  assert.equal(L.sql(`SELECT count(*) FROM ledger WHERE txn LIKE 'refund:membership:%'`), '0', 'no refund');
});

test('A6: the retention sweep expires memberships past their end, and only those', async () => {
  const m = await L.signIn('13811110005');
  await buy(m, 'monthly');
  const end = epoch((await mine(m)).expires_at);
  const row = () => L.sql(`SELECT status || '|' || auto_renew FROM memberships WHERE user_id = ${m.user.id}`);
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(end - DAY)).code, 0);
  assert.equal(row(), 'active|1', 'a day before the end it is still active');
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(end + 1)).code, 0);
  assert.equal(row(), 'expired|0');
  // the sweep at a future time ended the session too: the member signs in again and sees it lapsed
  const again = await L.signIn('13811110005');
  const v = await mine(again);
  assert.equal(v.status, 'expired');
  assert.equal(v.auto_renew, false);
  // a lapsed member buys again: the new period starts when the money arrives
  const t0 = Math.floor(Date.now() / 1000);
  await buy(again, 'monthly');
  assert.ok(epoch((await mine(again)).expires_at) >= t0 + 31 * DAY);
});

test('G5: the membership and the membership orders are in the person\'s data', async () => {
  const m = await L.signIn('13811110006');
  await buy(m, 'yearly');
  const res = await L.req('GET', '/api/v1/me/data', { token: m.token });
  assert.equal(res.status, 200);
  const fields = new Map(res.json.categories.flatMap((c) => c.fields.map((f) => [f.field, f])));
  assert.deepEqual(fields.get('memberships.plan').values, ['yearly']);
  assert.equal(fields.get('memberships.expires_at').values.length, 1);
  assert.deepEqual(fields.get('memberships.auto_renew').values, [1]);
  assert.deepEqual(fields.get('membership_orders.plan').values, ['yearly']);
  assert.deepEqual(fields.get('membership_orders.amount_fen').values, [18000]);
});

test('G4: cancelling the account erases the membership; the membership orders stay as law requires, tied to no one', async () => {
  const m = await L.signIn('13811110007');
  const paid = await buy(m, 'monthly');
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13811110007', purpose: 'cancel' } });
  const code = L.outbox().filter((x) => x.phone === '13811110007' && x.purpose === 'cancel').at(-1).code;
  const gone = await L.req('DELETE', '/api/v1/me', { token: m.token, body: { code } });
  assert.equal(gone.status, 200, gone.text);
  assert.equal(L.sql(`SELECT count(*) FROM memberships WHERE user_id = ${m.user.id}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM membership_orders WHERE user_id = ${m.user.id}`), '0');
  assert.equal(L.sql(`SELECT coalesce(user_id, 'none') || '|' || plan || '|' || amount_fen FROM membership_orders WHERE number = '${paid.number}'`), 'none|monthly|1800');
  assert.ok(gone.json.kept.some((k) => k.table === 'membership_orders' && /会员交易记录/.test(k.reason)), gone.text);
  // a late duplicate callback for the erased member's trade changes nothing and does not fail
  const raw = JSON.stringify({ amount_fen: 1800, at: 1, event: 'paid', order_no: paid.number, trade_no: paid.trade_no });
  assert.equal((await callback(raw)).status, 200);
  assert.equal(L.sql(`SELECT count(*) FROM memberships WHERE user_id = ${m.user.id}`), '0');
  assertBalanced();
});
