// notify.test.mjs — SMS that leave the platform through the HTTP gateway: breach notices go out from the sweep and
// are retried when the provider refuses (F8); each one, and each guardian code, is recorded as a share of the
// number the provider received (E1); a guardian request is one transaction (H1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, Linli, freePort, run } from './lib.mjs';

const received = [];
let refuse = false, provider, L;
const ADMIN = '13566660001', A = '13566660002', B = '13566660003', KID = '13566660004', GUARDIAN = '13566660005';
const YEAR = new Date().getUTCFullYear();
const users = {};

async function signIn(phone) {
  const sent = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
  assert.equal(sent.status, 202, sent.text);
  const code = received.filter((m) => m.phone === phone).at(-1).text.match(/\d{6}/)[0];
  const res = await L.req('POST', '/api/v1/auth/login', { body: { phone, code, accept_policy_version: 1 } });
  assert.equal(res.status, 200, res.text);
  return { token: res.json.token, id: res.json.user.id };
}
// asynchronous: the provider above runs in this process and must answer while the sweep sends
async function sweep() {
  const { stdout } = await promisify(execFile)(BIN, ['--data', L.dir, '--config', L.confFile, 'retention', 'run']);
  return { code: 0, out: stdout };
}
const breachTo = (phone) => received.filter((m) => m.phone === phone && m.purpose === 'breach');

before(async () => {
  const port = await freePort();
  provider = createServer((req, res) => {
    let s = '';
    req.on('data', (d) => { s += d; });
    req.on('end', () => {
      if (refuse) return res.writeHead(503).end('{}');
      received.push(JSON.parse(s));
      return res.writeHead(200).end('{}');
    });
  });
  await new Promise((r) => provider.listen(port, '127.0.0.1', r));
  L = new Linli({ sms_gateway: 'http', sms_http_url: `http://127.0.0.1:${port}/send`, sms_http_token: 't',
    sms_interval_s: 0, sms_per_ip_hour: 1000 });
  await L.start();
  for (const p of [ADMIN, A, B, KID]) users[p] = await signIn(p);
  assert.equal(run(L.dir, 'staff', 'grant', ADMIN, 'admin').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); provider.close(); });

test('F8: with the SMS provider refusing, the incident is still recorded whole and the sweep retries until sent', async () => {
  refuse = true;
  const res = await L.req('POST', '/api/v1/admin/incidents', { token: users[ADMIN].token, body: {
    title: '测试事件', what: '测试', occurred_at: Math.floor(Date.now() / 1000) - 60, fields: ['users.phone'],
    remedies: '已处理', advice: '请留意', users: [users[A].id, users[B].id] } });
  assert.equal(res.status, 201, 'never a 500 after the commit: ' + res.text);
  assert.equal(res.json.sms_pending, 2);
  for (const p of [A, B]) {
    const m = await L.req('GET', '/api/v1/me/messages', { token: users[p].token });
    assert.equal(m.json.items.length, 1, 'the message centre has the notice at once');
  }
  let s = await sweep();
  assert.equal(s.code, 0, s.out);
  assert.match(s.out, /breach notices sent by SMS: 0; refused by the gateway \(retried next sweep\): 2/);
  assert.equal(L.sql('SELECT count(*) FROM incident_users WHERE notified_at IS NULL'), '2');
  assert.equal(L.sql("SELECT count(*) FROM shares WHERE basis = '法定义务'"), '0', 'nothing left the platform');

  refuse = false;
  s = await sweep();
  assert.match(s.out, /breach notices sent by SMS: 2;/);
  assert.equal(L.sql('SELECT count(*) FROM incident_users WHERE notified_at IS NULL'), '0');
  assert.equal(breachTo(A).length, 1);
  assert.equal(breachTo(B).length, 1);
  assert.match((await sweep()).out, /breach notices sent by SMS: 0;/, 'each notice goes once');
});

test('E1: each breach SMS is recorded as a share of that person\'s phone with the provider', async () => {
  for (const p of [A, B]) {
    const mine = await L.req('GET', '/api/v1/me/shares', { token: users[p].token });
    const breach = mine.json.items.filter((i) => i.basis === '法定义务');
    assert.equal(breach.length, 1, p);
    assert.equal(breach[0].recipient, '127.0.0.1');
    assert.deepEqual(breach[0].fields.map((f) => f.id), ['users.phone']);
  }
  assert.equal(L.sql(`SELECT count(*) FROM shares WHERE basis = '法定义务' AND user_id = ${users[ADMIN].id}`), '0');
});

test('H1: a guardian request refused by the provider leaves nothing behind', async () => {
  const kid = users[KID];
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: kid.token, body: { birth_year: YEAR - 12 } })).status, 200);
  const shares = L.sql('SELECT count(*) FROM shares');
  refuse = true;
  const res = await L.req('POST', '/api/v1/me/guardian', { token: kid.token, body: { guardian_phone: GUARDIAN } });
  refuse = false;
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.error.code, 'sms_unavailable');
  assert.equal(L.sql(`SELECT guardian_phone IS NULL FROM users WHERE id = ${kid.id}`), '1', 'no number stored');
  assert.equal(L.sql("SELECT count(*) FROM sms_codes WHERE purpose = 'guardian'"), '0', 'no code stored');
  assert.equal(L.sql('SELECT count(*) FROM shares'), shares, 'no share recorded');
});

test('E1: a guardian code shares the child\'s declared guardian number, not the child\'s phone', async () => {
  const kid = users[KID];
  const res = await L.req('POST', '/api/v1/me/guardian', { token: kid.token, body: { guardian_phone: GUARDIAN } });
  assert.equal(res.status, 202, res.text);
  assert.equal(received.at(-1).phone, GUARDIAN);
  const mine = await L.req('GET', '/api/v1/me/shares', { token: kid.token });
  const latest = mine.json.items[0];
  assert.deepEqual(latest.fields.map((f) => f.id), ['users.guardian_phone']);
  assert.equal(latest.basis, '法定义务');
  const code = received.at(-1).text.match(/\d{6}/)[0];
  const ok = await L.req('POST', '/api/v1/me/guardian/confirm', { token: kid.token, body: { code } });
  assert.equal(ok.status, 200, ok.text);
});
