// renewal.test.mjs — membership auto-renewal through a standing payment agreement with the sandbox provider (A6, C5):
// the sweep charges a day before the end, once per period; the signed callback extends once however it arrives; a
// declined charge tells the member and the membership lapses; cancelling revokes the agreement; a provider refund
// takes the days back. The ledger balances throughout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';
import { buyMembership, sign, waitFor, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
const DAY = 86400;
const callback = (raw) => L.req('POST', '/api/v1/payments/sandbox/callback', { raw, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sign(raw) } });
const sweep = (at) => assert.equal(run(L.dir, '--config', L.confFile, 'retention', 'run', '--now', String(at)).code, 0);
const row = (uid) => {
  const [status, expires, auto, agreement] = L.sql(`SELECT status || '|' || expires_at || '|' || auto_renew || '|' || coalesce(agreement_no, '') FROM memberships WHERE user_id = ${uid}`).split('|');
  return { status, expires: Number(expires), auto: auto === '1', agreement };
};
const renewals = (uid) => L.sql(`SELECT count(*) FROM membership_orders WHERE user_id = ${uid} AND renewal_key IS NOT NULL`);
// the provider's callbacks for the member's renewal charges arrive now (the sandbox dated them at the sweep's time)
const deliver = () => L.sql('UPDATE sandbox_notices SET due_at = 0 WHERE delivered_at IS NULL');

function assertBalanced() {
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0', 'the ledger sums to zero');
  assert.equal(L.sql('SELECT count(*) FROM (SELECT txn FROM ledger GROUP BY txn HAVING sum(amount_fen) <> 0 OR count(*) <> 2)'), '0');
}

// A member with an active monthly membership that renews automatically; its end in unix seconds.
async function member(phone) {
  const m = await L.signIn(phone);
  await buyMembership(L, m, 'monthly', true);
  const r = row(m.user.id);
  assert.equal(r.auto, true);
  assert.match(r.agreement, /^SBA[0-9a-f]{32}$/);
  return { m, end: r.expires, agreement: r.agreement };
}

before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

test('A6, C5: opting in signs an agreement with the first payment; the provider is told order number, item and amount only', async () => {
  const plain = await L.signIn('13822220000');
  await buyMembership(L, plain, 'monthly', false);
  assert.deepEqual(row(plain.user.id), { ...row(plain.user.id), auto: false, agreement: '' }, 'no opt-in, no agreement');
  assert.equal((await L.req('GET', '/api/v1/me/membership', { token: plain.token })).json.renewal_provider, null);
  const { m, agreement } = await member('13822220001');
  const number = L.sql(`SELECT number FROM membership_orders WHERE user_id = ${m.user.id}`);
  assert.deepEqual(JSON.parse(L.sql(`SELECT request FROM sandbox_agreements WHERE agreement_no = '${agreement}'`)),
    { amount_fen: 1800, item: '月度会员', order_no: number });
  assert.equal(L.sql(`SELECT status FROM sandbox_agreements WHERE agreement_no = '${agreement}'`), 'active', 'signed on confirming');
  const v = (await L.req('GET', '/api/v1/me/membership', { token: m.token })).json;
  assert.equal(v.auto_renew, true);
  assert.equal(v.renewal_provider, 'sandbox', 'the payment method is recorded');
});

test('A6, C5: the sweep charges a day before the end, once per period; the paid callback extends once; the ledger balances', async () => {
  const { m, end, agreement } = await member('13822220002');
  sweep(end - 2 * DAY);
  assert.equal(renewals(m.user.id), '0', 'not due two days before the end');
  sweep(end - 3600);
  assert.equal(renewals(m.user.id), '1');
  const number = L.sql(`SELECT number FROM membership_orders WHERE user_id = ${m.user.id} AND renewal_key IS NOT NULL`);
  assert.equal(L.sql(`SELECT count(*) FROM pay_outbox WHERE kind = 'charge' AND idem_key = '${number}' AND sent_at IS NOT NULL`), '1');
  assert.deepEqual(JSON.parse(L.sql(`SELECT request FROM sandbox_trades WHERE agreement_no = '${agreement}'`)),
    { amount_fen: 1800, item: '月度会员', order_no: number }, 'C5: the charge carries order number, item and amount only');
  sweep(end - 1800);
  assert.equal(renewals(m.user.id), '1', 'the same period is charged once');
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_trades WHERE agreement_no = '${agreement}'`), '1');
  deliver();
  await waitFor(() => L.sql(`SELECT status FROM membership_orders WHERE number = '${number}'`) === 'paid', 'renewal paid');
  assert.equal(row(m.user.id).expires, end + 31 * DAY);
  const trade = L.sql(`SELECT trade_no FROM membership_orders WHERE number = '${number}'`);
  assert.match(trade, /^SBX/, 'the provider\'s trade replaced the stand-in');
  const notice = L.sql(`SELECT body FROM sandbox_notices WHERE body LIKE '%${trade}%'`);
  const ledger = L.sql('SELECT count(*) FROM ledger');
  for (let i = 0; i < 3; i++) assert.equal((await callback(notice)).status, 200);
  assert.equal(row(m.user.id).expires, end + 31 * DAY, 'a duplicate callback never extends twice');
  assert.equal(L.sql('SELECT count(*) FROM ledger'), ledger);
  // the next period is a new key: charged again a day before the new end
  sweep(end + 31 * DAY - 3600);
  assert.equal(renewals(m.user.id), '2');
  assertBalanced();
});

test('A6: a declined charge tells the member, is not retried in the period, and the membership lapses at its end', async () => {
  const { m, end, agreement } = await member('13822220003');
  L.sql(`UPDATE sandbox_agreements SET next_charge = 'decline' WHERE agreement_no = '${agreement}'`);
  sweep(end - 3600);
  deliver();
  await waitFor(() => L.sql(`SELECT count(*) FROM membership_orders WHERE user_id = ${m.user.id} AND failed_at IS NOT NULL`) === '1', 'failure applied');
  assert.equal(L.sql(`SELECT count(*) FROM messages WHERE user_id = ${m.user.id} AND title = '会员自动续费失败'`), '1', 'told in the message centre');
  sweep(end - 600);
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_trades WHERE agreement_no = '${agreement}'`), '1', 'no second charge in the period');
  assert.equal(row(m.user.id).expires, end, 'not extended');
  sweep(end + 1);
  assert.deepEqual(row(m.user.id), { status: 'expired', expires: end, auto: false, agreement: '' });
  assert.equal(L.sql(`SELECT status FROM sandbox_agreements WHERE agreement_no = '${agreement}'`), 'revoked', 'the lapsed membership\'s agreement ends');
  assert.equal(L.sql(`SELECT count(*) FROM ledger WHERE txn IN (SELECT 'pay:membership:' || id FROM membership_orders WHERE failed_at IS NOT NULL)`), '0');
  assertBalanced();
});

test('A6: late, duplicated and out-of-order callbacks extend exactly once', async () => {
  const { m, end, agreement } = await member('13822220004');
  L.sql(`UPDATE sandbox_agreements SET next_charge = 'delay' WHERE agreement_no = '${agreement}'`);
  sweep(end - 3600);
  const number = L.sql(`SELECT number FROM membership_orders WHERE user_id = ${m.user.id} AND renewal_key IS NOT NULL`);
  const trade = L.sql(`SELECT trade_no FROM sandbox_trades WHERE agreement_no = '${agreement}'`);
  assert.ok(Number(L.sql(`SELECT due_at FROM sandbox_notices WHERE body LIKE '%${trade}%'`)) > end - 3600, 'the callback is late');
  sweep(end - 1800);
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_trades WHERE agreement_no = '${agreement}'`), '1', 'waiting is not a reason to charge again');
  const paid = JSON.stringify({ amount_fen: 1800, at: end, event: 'paid', order_no: number, trade_no: trade });
  const failed = JSON.stringify({ amount_fen: 1800, at: end - 1, event: 'failed', order_no: number, trade_no: trade });
  assert.equal((await callback(paid)).status, 200);
  assert.equal((await callback(failed)).status, 200, 'an older failure after the payment changes nothing');
  assert.equal((await callback(paid)).status, 200);
  deliver();
  await waitFor(() => L.sql(`SELECT count(*) FROM sandbox_notices WHERE body LIKE '%${trade}%' AND delivered_at IS NULL`) === '0', 'late callback delivered');
  assert.equal(row(m.user.id).expires, end + 31 * DAY, 'extended once');
  assert.equal(L.sql(`SELECT count(*) FROM messages WHERE user_id = ${m.user.id} AND title = '会员自动续费失败'`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM ledger WHERE txn = 'pay:membership:' || (SELECT id FROM membership_orders WHERE number = '${number}')`), '2');
  assertBalanced();
});

test('A6: cancelling auto-renewal revokes the agreement at once and the next sweep charges nothing', async () => {
  const { m, end, agreement } = await member('13822220005');
  const res = await L.req('DELETE', '/api/v1/me/membership', { token: m.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.auto_renew, false);
  assert.equal(L.sql(`SELECT status FROM sandbox_agreements WHERE agreement_no = '${agreement}'`), 'revoked');
  assert.equal(L.sql(`SELECT count(*) FROM pay_outbox WHERE kind = 'revoke' AND idem_key = '${agreement}' AND sent_at IS NOT NULL`), '1');
  sweep(end - 3600);
  assert.equal(renewals(m.user.id), '0');
  assert.equal(L.sql(`SELECT count(*) FROM sandbox_trades WHERE agreement_no = '${agreement}'`), '0');
  assert.equal(row(m.user.id).status, 'active', 'kept until its end');
});

test('A6: a provider refund takes the purchase\'s days back; a membership left with none ends and its agreement is revoked', async () => {
  const two = await L.signIn('13822220006');
  await buyMembership(L, two, 'monthly', false);
  const first = row(two.user.id).expires;
  const paid = await buyMembership(L, two, 'monthly', false);
  assert.equal(row(two.user.id).expires, first + 31 * DAY);
  const refund = (p) => JSON.stringify({ amount_fen: 1800, at: 1, event: 'refunded', order_no: p.number, trade_no: p.trade_no });
  assert.equal((await callback(refund(paid))).status, 200);
  assert.equal(row(two.user.id).expires, first, 'shortened by the refunded 31 days');
  assert.equal(row(two.user.id).status, 'active');
  assert.equal((await callback(refund(paid))).status, 200);
  assert.equal(row(two.user.id).expires, first, 'a duplicate refund takes nothing more');
  const one = await L.signIn('13822220007');
  const bought = await buyMembership(L, one, 'monthly', true);
  const { agreement } = row(one.user.id);
  assert.equal((await callback(refund(bought))).status, 200);
  assert.equal(row(one.user.id).status, 'expired', 'the refunded membership ends');
  assert.equal(L.sql(`SELECT status FROM sandbox_agreements WHERE agreement_no = '${agreement}'`), 'revoked');
  assert.equal(L.sql(`SELECT count(*) FROM messages WHERE user_id = ${one.user.id} AND title = '会员款项已退回'`), '1');
  assertBalanced();
});
