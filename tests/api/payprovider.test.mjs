// payprovider.test.mjs — the setting pay_provider: none answers a clear 503 and leaves no sandbox to pay through;
// http talks to a gateway with signed requests carrying only order number, item and amount (C5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linli, run } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { confirmAt, sign, waitFor } from './pay.mjs';

const GW_KEY = 'gateway-key-for-tests-0123456789';
const off = new Linli({ pay_provider: 'none' });
let gwL, gateway, gwUrl;
const seen = []; // what the gateway received: {path, body, signature}

async function orderOn(L, prefix) {
  const mod = await staff(L, `${prefix}0`, 'moderator');
  const m = await merchantWith(L, `${prefix}1`, mod, '番禺维修', [{ category: 'repair', title: '水管维修', price: 8800 }]);
  const customer = await L.signIn(`${prefix}2`);
  const res = await L.req('POST', '/api/v1/orders', { token: customer.token, body:
    { service_id: m.services[0], time: beijing(3, 10), district: 440106, address: '广州市天河区天河路2号', phone: '13755556666' } });
  assert.equal(res.status, 201, res.text);
  return { m, customer, id: res.json.id, number: res.json.number };
}

before(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ path: req.url, body, signature: req.headers['x-pay-signature'] });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/gw/trades') res.end(JSON.stringify({ trade_no: `GW-${seen.length}-x9`, pay_url: `https://pay.example.cn/c/${seen.length}` }));
      else res.end('{"accepted":true}');
    });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  gwUrl = `http://127.0.0.1:${gateway.address().port}/gw`;
  gwL = new Linli({ pay_provider: 'http', pay_http_url: gwUrl, pay_http_key: GW_KEY, pay_http_name: '测试支付有限公司' });
  await Promise.all([off.start(), gwL.start()]);
});
after(async () => {
  await Promise.all([off.stop(), gwL.stop()]);
  off.cleanup(); gwL.cleanup();
  gateway.close();
});

test('C5: with pay_provider = none paying answers 503 payment_off and nothing is written; the sandbox is gone', async () => {
  const { customer, id } = await orderOn(off, '1376601000');
  const res = await off.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.error.code, 'payment_off');
  assert.ok(res.json.error.message.includes('支付'), res.text);
  assert.equal(off.sql('SELECT count(*) FROM payments') + off.sql('SELECT count(*) FROM sandbox_trades'), '00');
  assert.equal(off.sql(`SELECT status FROM orders WHERE id = ${id}`), 'created');
  const body = '{"amount_fen":8800,"at":1,"event":"paid","order_no":"LL1","trade_no":"SBX0000000001"}';
  const cb = await off.req('POST', '/api/v1/payments/sandbox/callback', { raw: body, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sign(body) } });
  assert.equal(cb.status, 404);
});

test('C5: the http provider gets a signed request with order number, item and amount only; its callback pays once', async () => {
  const { customer, id, number } = await orderOn(gwL, '1376602000');
  const res = await gwL.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.provider, 'http');
  assert.match(res.json.payment_url, /^https:\/\/pay\.example\.cn\/c\/\d+$/);
  const sent = seen.find((s) => s.path === '/gw/trades');
  assert.deepEqual(JSON.parse(sent.body), { amount_fen: 8800, item: '水管维修', order_no: number });
  assert.equal(sent.signature, sign(sent.body, GW_KEY));
  const shares = await gwL.req('GET', '/api/v1/me/shares', { token: customer.token });
  assert.ok(shares.json.items.some((i) => i.recipient.includes('测试支付有限公司')), shares.text);
  // the sandbox's pages and callback do not exist on this deployment
  assert.equal((await gwL.req('GET', `/sandbox/pay/${res.json.trade_no}`, { token: customer.token })).status, 404);
  assert.equal((await confirmAt(gwL, customer, `/sandbox/pay/${res.json.trade_no}`)).status, 404);
  const cb = (raw, key = GW_KEY) => gwL.req('POST', '/api/v1/payments/http/callback', { raw, headers: { 'content-type': 'application/json', 'x-pay-signature': sign(raw, key) } });
  const paid = JSON.stringify({ amount_fen: 8800, at: 1, event: 'paid', order_no: number, trade_no: res.json.trade_no });
  assert.equal((await cb(paid, 'not-the-key')).status, 401);
  assert.equal(gwL.sql(`SELECT status FROM orders WHERE id = ${id}`), 'created');
  for (let i = 0; i < 2; i++) assert.equal((await cb(paid)).status, 200);
  assert.equal(gwL.sql(`SELECT status FROM orders WHERE id = ${id}`), 'paid');
  assert.equal(gwL.sql("SELECT group_concat(account || '=' || amount_fen) FROM ledger"), 'provider:http=8800,merchant:1=-8800');
  // cancelling asks the gateway for the refund; its callback completes it
  assert.equal((await gwL.req('POST', `/api/v1/orders/${id}/cancel`, { token: customer.token })).json.status, 'refunded');
  const refund = seen.find((s) => s.path === '/gw/refunds');
  const paymentId = gwL.sql(`SELECT id FROM payments WHERE order_id = ${id}`);
  assert.deepEqual(JSON.parse(refund.body), { amount_fen: 8800, refund_no: `RF${paymentId}`, trade_no: res.json.trade_no },
    'the refund carries its idempotency key');
  assert.equal(refund.signature, sign(refund.body, GW_KEY));
  const refunded = JSON.stringify({ amount_fen: 8800, at: 2, event: 'refunded', order_no: number, trade_no: res.json.trade_no });
  assert.equal((await cb(refunded)).status, 200);
  await waitFor(() => gwL.sql(`SELECT status FROM payments WHERE order_id = ${id}`) === 'refunded', 'refund applied');
  assert.equal(gwL.sql('SELECT sum(amount_fen) FROM ledger'), '0');
});

test('C5, E7: the published sharing list names the payment gateway with the item and amount; none and the sandbox share nothing', async () => {
  const r = await gwL.req('GET', '/api/v1/privacy/sharing');
  assert.equal(r.status, 200);
  const gw = r.json.recipients.filter((x) => x.name === '支付服务商：测试支付有限公司');
  assert.equal(gw.length, 1, r.text);
  assert.deepEqual(gw[0].fields.map((f) => f.id), ['orders.item', 'orders.amount_fen']);
  assert.ok((await gwL.req('GET', '/privacy')).text.includes('支付服务商：测试支付有限公司'));
  // the name is the one each payment's share record carries, so the list and the records agree
  const { customer, id } = await orderOn(gwL, '1376604000');
  assert.equal((await gwL.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token })).status, 200);
  const mine = await gwL.req('GET', '/api/v1/me/shares', { token: customer.token });
  assert.ok(mine.json.items.some((i) => i.recipient === gw[0].name), mine.text);
  assert.deepEqual((await off.req('GET', '/api/v1/privacy/sharing')).json.recipients, []);
});

test('C5: a gateway that does not answer leaves the order unpaid with a 503 and no payment row', async () => {
  const { customer, id } = await orderOn(gwL, '1376603000');
  const saved = seen.length;
  gateway.closeAllConnections();
  await new Promise((r) => gateway.close(r));
  const res = await gwL.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.error.code, 'payment_unavailable');
  assert.equal(gwL.sql(`SELECT count(*) FROM payments WHERE order_id = ${id}`), '0');
  assert.equal(seen.length, saved);
});

test('C5: serve refuses an unknown pay_provider, and http without its gateway settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-pay-'));
  try {
    for (const [conf, why] of [['pay_provider = paypal', /expected sandbox, http or none/], ['pay_provider = http', /pay_http_url/]]) {
      writeFileSync(join(dir, 'linli.conf'), conf + '\n');
      const r = run(dir, 'serve', '--config', join(dir, 'linli.conf'), '--listen', '127.0.0.1:1');
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, why);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
