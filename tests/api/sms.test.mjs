// sms.test.mjs — the HTTP SMS gateway speaks to a provider endpoint (A1), here a local one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Linli, freePort } from './lib.mjs';

let provider, received = [], failNext = false, L;

before(async () => {
  const port = await freePort();
  provider = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(failNext ? 500 : 200).end('{}');
    });
  });
  await new Promise((r) => provider.listen(port, '127.0.0.1', r));
  L = new Linli({ sms_gateway: 'http', sms_http_url: `http://127.0.0.1:${port}/send`, sms_http_token: 'gw-secret' });
  await L.start();
});
after(async () => { await L.stop(); L.cleanup(); provider.close(); });

test('A1: codes go to the provider with its token, and sign-in works with them', async () => {
  const res = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13600001111' } });
  assert.equal(res.status, 202);
  const m = received.at(-1);
  assert.equal(m.auth, 'Bearer gw-secret');
  assert.match(m.type, /application\/json/);
  assert.equal(m.body.phone, '13600001111');
  const code = m.body.text.match(/\d{6}/)[0];
  const login = await L.req('POST', '/api/v1/auth/login', { body: { phone: '13600001111', code, accept_policy_version: 1 } });
  assert.equal(login.status, 200);
  assert.deepEqual(L.outbox(), [], 'nothing is written to the local outbox');
});

test('A1: a provider failure answers 503 and leaves no code behind', async () => {
  failNext = true;
  const res = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13600002222' } });
  failNext = false;
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, 'sms_unavailable');
  assert.equal(L.sql("SELECT count(*) FROM sms_codes WHERE used = 0"), '0');
});
