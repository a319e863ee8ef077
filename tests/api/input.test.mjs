// input.test.mjs — bad input gets a clear 4xx, never a crash or a half-made account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { get } from 'node:http';
import { Linli } from './lib.mjs';

const L = new Linli({ max_body_kb: 16 });
before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

const login = '/api/v1/auth/login';

// Liveness on a new connection, never a pooled keep-alive socket the server may have just closed.
function aliveFresh(server = L) {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: server.port, path: '/healthz', agent: false }, (res) => { res.resume(); resolve(res.statusCode); })
      .on('error', reject);
  });
}

function expectError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  assert.ok(res.json.error.message && res.json.error.message_en);
  assert.match(res.headers.get('content-type'), /^application\/json/);
}

test('malformed JSON, wrong types, missing and unknown fields answer 400 with the field', async () => {
  expectError(await L.req('POST', login, { raw: '{"phone": "138', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  expectError(await L.req('POST', login, { raw: '[1,2,3]', headers: { 'content-type': 'application/json' } }), 400, 'invalid_type');
  expectError(await L.req('POST', login, { raw: '{"phone":"1","phone":"2"}', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  let r = await L.req('POST', login, { body: { phone: 13800138000, code: '123456' } });
  expectError(r, 400, 'invalid_type');
  assert.equal(r.json.error.field, 'phone');
  r = await L.req('POST', login, { body: { code: '123456' } });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'phone');
  r = await L.req('POST', login, { body: { phone: '13800138000', code: '123456', is_admin: true } });
  expectError(r, 400, 'unknown_field');
  assert.equal(r.json.error.field, 'is_admin');
  r = await L.req('POST', login, { body: { phone: '13800138000', code: '1234567' } });
  expectError(r, 422, 'invalid_field');
  r = await L.req('POST', login, { body: { phone: '13800138000', code: '123456', accept_policy_version: -1 } });
  expectError(r, 422, 'invalid_field');
  expectError(await L.req('POST', login, {}), 400, 'body_required');
  expectError(await L.req('POST', login, { raw: 'phone=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
  expectError(await L.req('POST', login, { raw: '{"phone":"\\u0000"}', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
});

test('unknown paths and methods answer JSON 404 / 405', async () => {
  expectError(await L.req('GET', '/api/v1/nothing-here'), 404, 'not_found');
  expectError(await L.req('DELETE', '/api/v1/policy'), 405, 'method_not_allowed');
  expectError(await L.req('DELETE', '/api/v1/me/sessions/0'), 404, 'not_found');
  expectError(await L.req('DELETE', '/api/v1/me/sessions/abc'), 404, 'not_found');
  expectError(await L.req('DELETE', '/api/v1/me/sessions/99999999999999999999'), 404, 'not_found');
});

test('an oversized body is refused with 413 and nothing is written', async () => {
  const big = JSON.stringify({ phone: '13800138000', code: '1'.repeat(20000) });
  expectError(await L.req('POST', login, { raw: big, headers: { 'content-type': 'application/json' } }), 413, 'body_too_large');
  // chunked, without a Content-Length: caught while reading
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
  const res = await fetch(L.base + login, { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 413);
  assert.equal(L.sql('SELECT count(*) FROM users') + L.sql('SELECT count(*) FROM sms_codes'), '00');
});

test('huge headers are refused, and the server stays up', async () => {
  const res = await fetch(L.base + '/healthz', { headers: { 'x-junk': 'a'.repeat(64 * 1024) } }).catch((e) => e);
  if (res instanceof Error) assert.ok(true, 'connection closed by the server');
  else assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
  assert.equal(await aliveFresh(), 200);
});

test('a slow client is cut off after the connection timeout', async () => {
  // its own server with a 2 s timeout, so no other test's pooled sockets are cut under it
  const S = await new Linli({ conn_timeout_s: 2 }).start();
  try {
    const t0 = Date.now();
    const closed = await new Promise((resolve) => {
      const s = connect(S.port, '127.0.0.1', () => s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"ph'));
      s.on('close', () => resolve(Date.now() - t0));
      s.on('error', () => {});
      setTimeout(() => { s.destroy(); resolve(-1); }, 12000);
    });
    assert.ok(closed >= 1500 && closed < 9000, `closed after ${closed} ms (timeout 2 s)`);
    assert.equal(await aliveFresh(S), 200);
  } finally {
    await S.stop();
    S.cleanup();
  }
});

test('a burst of garbage requests does not crash the server', async () => {
  const bodies = ['', 'null', '1', '"x"', '{', '{"phone":{}}', '{"phone":[]}', '{"phone":null}', '\xff\xfe',
    '{"phone":"13800138000","code":"12345\\u0000"}', '{"a":'.repeat(5000)];
  await Promise.all(bodies.map((raw) => L.req('POST', login, { raw, headers: { 'content-type': 'application/json' } })
    .then((r) => assert.ok(r.status >= 400 && r.status < 500, `${r.status} for ${raw.slice(0, 20)}`))));
  assert.equal(await aliveFresh(), 200);
  assert.equal(L.sql('SELECT count(*) FROM users'), '0');
});
