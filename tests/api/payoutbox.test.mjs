// payoutbox.test.mjs — requests to the HTTP payment gateway that follow from our transactions go through the payment
// outbox: sent after commit, retried by the sweep under the same idempotency key (C5); auto-renewal through the
// gateway's standing agreements (A6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, Linli } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { sign } from './pay.mjs';

const GW_KEY = 'gateway-key-for-outbox-0123456789';
let L, gateway;
let down = false; // the gateway answers 503 to everything but new trades while down
const seen = [];

const cb = (raw) => L.req('POST', '/api/v1/payments/http/callback', { raw, headers: { 'content-type': 'application/json', 'x-pay-signature': sign(raw, GW_KEY) } });
// the sweep runs beside this process's event loop, which must stay free to answer as the gateway
const sweep = (at) => promisify(execFile)(BIN, ['--data', L.dir, '--config', L.confFile, 'retention', 'run', '--now', String(at)]);
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const ok = !down || req.url === '/gw/trades';
      seen.push({ path: req.url, body, ok });
      res.setHeader('content-type', 'application/json');
      if (!ok) { res.statusCode = 503; res.end('{}'); return; }
      if (req.url === '/gw/trades') res.end(JSON.stringify({ trade_no: `GW-T${seen.length}`, pay_url: `https://pay.example.cn/c/${seen.length}` }));
      else if (req.url === '/gw/agreements') res.end(JSON.stringify({ agreement_no: `GW-A${seen.length}` }));
      else if (req.url === '/gw/charges') res.end(JSON.stringify({ trade_no: `GW-C-${JSON.parse(body).order_no}` }));
      else res.end('{"accepted":true}');
    });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  L = new Linli({ pay_provider: 'http', pay_http_url: `http://127.0.0.1:${gateway.address().port}/gw`, pay_http_key: GW_KEY, pay_http_name: '测试支付有限公司' });
  await L.start();
});
after(async () => { await L.stop(); L.cleanup(); gateway.close(); });

test('C5: a refund with the gateway down is not lost: the next sweep sends it once, under the same key', async () => {
  const mod = await staff(L, '13777001000', 'moderator');
  const m = await merchantWith(L, '13777001001', mod, '天河维修', [{ category: 'repair', title: '水管维修', price: 8800 }]);
  const customer = await L.signIn('13777001002');
  const o = await L.req('POST', '/api/v1/orders', { token: customer.token, body:
    { service_id: m.services[0], time: beijing(3, 10), district: 440106, address: '广州市天河区天河路2号', phone: '13755556666' } });
  assert.equal(o.status, 201, o.text);
  const pay = await L.req('POST', `/api/v1/orders/${o.json.id}/pay`, { token: customer.token });
  assert.equal(pay.status, 200, pay.text);
  const paid = JSON.stringify({ amount_fen: 8800, at: 1, event: 'paid', order_no: o.json.number, trade_no: pay.json.trade_no });
  assert.equal((await cb(paid)).status, 200);
  down = true;
  const cancel = await L.req('POST', `/api/v1/orders/${o.json.id}/cancel`, { token: customer.token });
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(cancel.json.status, 'refunded', 'our side commits whatever the gateway does');
  const refunds = () => seen.filter((s) => s.path === '/gw/refunds');
  assert.equal(refunds().length, 1, 'tried right after commit');
  assert.equal(refunds()[0].ok, false);
  assert.equal(L.sql("SELECT count(*) || '|' || sum(attempts) FROM pay_outbox WHERE kind = 'refund' AND sent_at IS NULL"), '1|1');
  await sweep(now() + 7200);
  assert.equal(refunds().length, 2, 'still down: tried again by the sweep');
  down = false;
  await sweep(now() + 4 * 3600);
  assert.equal(refunds().length, 3);
  assert.ok(refunds()[2].ok);
  assert.deepEqual(new Set(refunds().map((s) => s.body)).size, 1, 'every attempt is the same request under the same key');
  const paymentId = L.sql(`SELECT id FROM payments WHERE order_id = ${o.json.id}`);
  assert.deepEqual(JSON.parse(refunds()[0].body), { amount_fen: 8800, refund_no: `RF${paymentId}`, trade_no: pay.json.trade_no });
  await sweep(now() + 8 * 3600);
  await sweep(now() + 30 * 86400);
  assert.equal(refunds().length, 3, 'sent once accepted, never again');
  assert.equal(L.sql("SELECT count(*) FROM pay_outbox WHERE sent_at IS NULL"), '0');
});

test('A6, C5: auto-renewal through the gateway: agreement with the first payment, a charge keyed by the renewal order, revoke on cancel', async () => {
  const who = await L.signIn('13777001003');
  const buy = await L.req('POST', '/api/v1/me/membership', { token: who.token, body: { plan: 'monthly', auto_renew: true } });
  assert.equal(buy.status, 201, buy.text);
  const agreed = seen.filter((s) => s.path === '/gw/agreements').at(-1);
  assert.deepEqual(JSON.parse(agreed.body), { amount_fen: 1800, item: '月度会员', order_no: buy.json.number }, 'C5: nothing else');
  const paid = JSON.stringify({ amount_fen: 1800, at: 1, event: 'paid', order_no: buy.json.number, trade_no: buy.json.trade_no });
  assert.equal((await cb(paid)).status, 200);
  const v = (await L.req('GET', '/api/v1/me/membership', { token: who.token })).json;
  assert.equal(v.renewal_provider, 'http');
  const end = Math.floor(Date.parse(v.expires_at) / 1000);
  down = true;
  await sweep(end - 3600);
  down = false;
  const charges = () => seen.filter((s) => s.path === '/gw/charges');
  assert.equal(charges().length, 1);
  await sweep(end - 1800);
  assert.equal(charges().length, 2, 'resent after the gateway failed');
  assert.equal(charges()[0].body, charges()[1].body, 'under the same key');
  const c = JSON.parse(charges()[1].body);
  assert.deepEqual(Object.keys(c).sort(), ['agreement_no', 'amount_fen', 'item', 'order_no']);
  assert.equal(c.agreement_no, L.sql(`SELECT agreement_no FROM membership_orders WHERE number = '${buy.json.number}'`), 'the agreement the gateway named');
  assert.equal(L.sql(`SELECT trade_no FROM membership_orders WHERE number = '${c.order_no}'`), `GW-C-${c.order_no}`);
  const renewed = JSON.stringify({ amount_fen: 1800, at: 2, event: 'paid', order_no: c.order_no, trade_no: `GW-C-${c.order_no}` });
  for (let i = 0; i < 2; i++) assert.equal((await cb(renewed)).status, 200);
  assert.equal(L.sql(`SELECT expires_at FROM memberships WHERE user_id = ${who.user.id}`), String(end + 31 * 86400));
  const again = await L.signIn('13777001003'); // the sweep at a future time ended the session
  assert.equal((await L.req('DELETE', '/api/v1/me/membership', { token: again.token })).status, 200);
  assert.deepEqual(JSON.parse(seen.filter((s) => s.path === '/gw/agreements/revoke').at(-1).body), { agreement_no: c.agreement_no });
  await sweep(end + 31 * 86400 - 3600);
  assert.equal(charges().length, 2, 'no charge after cancelling');
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0');
});
