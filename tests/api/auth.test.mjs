// auth.test.mjs — sign-in by phone + SMS code, consent, sessions, over real HTTP (A1, A4, F4, H3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli();
before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

test('A1: a code from the outbox signs a new person in once they accept the policy', async () => {
  const phone = '13800001001';
  const sent = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '+86 138-0000-1001' } });
  assert.equal(sent.status, 202);
  const msg = L.outbox().at(-1);
  assert.equal(msg.phone, phone);
  assert.match(msg.code, /^\d{6}$/);
  assert.ok(msg.text.includes(msg.code));
  assert.ok(msg.time);

  const noConsent = await L.req('POST', '/api/v1/auth/login', { body: { phone, code: msg.code } });
  assert.equal(noConsent.status, 409);
  assert.equal(noConsent.json.error.code, 'consent_required');
  assert.equal(L.sql('SELECT count(*) FROM users'), '0');

  const ok = await L.req('POST', '/api/v1/auth/login',
    { body: { phone, code: msg.code, accept_policy_version: 1 } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.user.phone, phone);
  assert.equal(ok.json.user.new, true);
  const cookie = ok.headers.get('set-cookie');
  assert.match(cookie, /linli_session=[A-Za-z0-9_-]{43}/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);

  const again = await L.req('POST', '/api/v1/auth/login',
    { body: { phone, code: msg.code, accept_policy_version: 1 } });
  assert.equal(again.status, 400, 'a code is single-use');
  assert.equal(again.json.error.code, 'code_expired');
});

test('A1: a wrong code is a clear error and creates nothing', async () => {
  const phone = '13800001002';
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
  const wrong = String((Number(L.lastCode(phone)) + 1) % 1000000).padStart(6, '0');
  const res = await L.req('POST', '/api/v1/auth/login', { body: { phone, code: wrong, accept_policy_version: 1 } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'code_invalid');
  assert.equal(res.json.error.field, 'code');
  assert.ok(res.json.error.message.length > 0 && res.json.error.message_en.length > 0);
  assert.equal(L.sql("SELECT count(*) FROM users"), '1'); // only the first test's account
});

test('A1: a second code within 60 s is refused with 429 and Retry-After', async () => {
  const phone = '13800001003';
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } })).status, 202);
  const res = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
  assert.equal(res.status, 429);
  assert.equal(res.json.error.code, 'rate_limited');
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 60, `retry-after ${retry}`);
});

test('A1: phone numbers are validated', async () => {
  for (const phone of ['12345', '12800138000', '1380013800a', '+1 415 555 0100', '']) {
    const res = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
    assert.equal(res.status, 422, phone);
    assert.equal(res.json.error.code, 'invalid_phone');
  }
});

test('F4: every non-public endpoint refuses a request without a valid session', async () => {
  const endpoints = [['GET', '/api/v1/me'], ['PATCH', '/api/v1/me'], ['GET', '/api/v1/me/sessions'],
    ['DELETE', '/api/v1/me/sessions/1'], ['POST', '/api/v1/auth/logout'], ['PUT', '/api/v1/me/password']];
  for (const [m, p] of endpoints) {
    for (const token of [undefined, 'forged-token', 'x'.repeat(43)]) {
      const res = await L.req(m, p, { token, body: m === 'GET' || m === 'DELETE' ? undefined : {} });
      assert.equal(res.status, 401, `${m} ${p} ${token}`);
      assert.equal(res.json.error.code, 'unauthenticated');
    }
  }
});

test('A2/G1: profile can be completed and corrected; nothing optional is required', async () => {
  const { token } = await L.signIn('13800001004');
  const me = await L.req('GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.nickname, null);
  const patch = await L.req('PATCH', '/api/v1/me', { token, body: {
    username: '街坊老张', nickname: '老张', city: '北京', hometown: '保定', occupation: '厨师', position: '主厨',
    interests: ['下棋', '钓鱼'], email: 'zhang@example.cn', qq: '10001' } });
  assert.equal(patch.status, 200, patch.text);
  assert.equal(patch.json.username, '街坊老张');
  assert.deepEqual(patch.json.interests, ['下棋', '钓鱼']);
  const clear = await L.req('PATCH', '/api/v1/me', { token, body: { hometown: null, qq: '' } });
  assert.equal(clear.json.hometown, null);
  assert.equal(clear.json.qq, null);
  assert.equal(clear.json.city, '北京');
  const bad = await L.req('PATCH', '/api/v1/me', { token, body: { nickname: '新名字', email: 'no-at-sign' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'email');
  assert.equal((await L.req('GET', '/api/v1/me', { token })).json.nickname, '老张', 'a refused change keeps nothing');
});

test('F4: a person sees their sessions and can sign any of them out', async () => {
  const phone = '13800001005';
  const a = await L.signIn(phone);
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } }); // refused: within 60 s
  L.sql(`UPDATE sms_codes SET created_at = created_at - 120`); // let the interval pass
  const b = await L.signIn(phone);
  const list = await L.req('GET', '/api/v1/me/sessions', { token: b.token });
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 2);
  const current = list.json.items.find((s) => s.current);
  const other = list.json.items.find((s) => !s.current);
  assert.match(current.ip, /^127\.0\.0\.\*$/, 'the address is shown masked');
  const del = await L.req('DELETE', `/api/v1/me/sessions/${other.id}`, { token: b.token });
  assert.equal(del.status, 200);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).status, 401);
  assert.equal((await L.req('GET', '/api/v1/me', { token: b.token })).status, 200);
  // somebody else's session id answers 404, as does one that never existed
  const stranger = await L.signIn('13800001006');
  assert.equal((await L.req('DELETE', `/api/v1/me/sessions/${current.id}`, { token: stranger.token })).status, 404);
  assert.equal((await L.req('DELETE', '/api/v1/me/sessions/999999', { token: stranger.token })).status, 404);
  assert.equal((await L.req('GET', '/api/v1/me', { token: b.token })).status, 200);
  const out = await L.req('POST', '/api/v1/auth/logout', { token: b.token });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assert.equal((await L.req('GET', '/api/v1/me', { token: b.token })).status, 401);
});

test('F4: the session cookie works, and cross-site writes with it are refused', async () => {
  const { cookie } = await L.signIn('13800001007');
  const c = cookie.split(';')[0];
  assert.equal((await L.req('GET', '/api/v1/me', { headers: { cookie: c } })).status, 200);
  const evil = await L.req('PATCH', '/api/v1/me',
    { headers: { cookie: c, origin: 'http://evil.example' }, body: { nickname: '黑客' } });
  assert.equal(evil.status, 403);
  assert.equal(evil.json.error.code, 'csrf_failed');
  const same = await L.req('PATCH', '/api/v1/me',
    { headers: { cookie: c, origin: L.base }, body: { nickname: '本人' } });
  assert.equal(same.status, 200);
});

test('A4: password sign-in after setting one with a fresh code', async () => {
  const phone = '13800001008';
  const { token } = await L.signIn(phone);
  L.sql(`UPDATE sms_codes SET created_at = created_at - 120`);
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone, purpose: 'password' } })).status, 202);
  const code = L.outbox().filter((m) => m.phone === phone && m.purpose === 'password').at(-1).code;
  const set = await L.req('PUT', '/api/v1/me/password', { token, body: { password: '邻里-secret-2026', code } });
  assert.equal(set.status, 200, set.text);
  const bad = await L.req('POST', '/api/v1/auth/login', { body: { phone, password: 'wrong password' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.code, 'login_failed');
  const none = await L.req('POST', '/api/v1/auth/login', { body: { phone: '13800009999', password: 'whatever1' } });
  assert.equal(none.status, 401, 'an unknown number answers exactly like a wrong password');
  assert.deepEqual(none.json, bad.json);
  const ok = await L.req('POST', '/api/v1/auth/login', { body: { phone, password: '邻里-secret-2026' } });
  assert.equal(ok.status, 200);
  assert.equal(L.sql("SELECT count(*) FROM users WHERE password_hash LIKE '%secret%'"), '0');
});

test('H3/H4: the current policy and its versions are published', async () => {
  const cur = await L.req('GET', '/api/v1/policy');
  assert.equal(cur.status, 200);
  assert.equal(cur.json.id, 1);
  assert.equal(typeof cur.json.major, 'boolean');
  assert.match(cur.json.published_at, /^\d{4}-\d\d-\d\dT/);
  const all = await L.req('GET', '/api/v1/policy/versions');
  assert.equal(all.json.items[0].id, 1);
});

test('F5: staff roles are granted by phone from the command line', async () => {
  await L.signIn('13800001009');
  const g = run(L.dir, 'staff', 'grant', '13800001009', 'moderator');
  assert.equal(g.code, 0, g.out);
  assert.equal(L.sql("SELECT role FROM staff_roles"), 'moderator');
  assert.notEqual(run(L.dir, 'staff', 'grant', '13800001009', 'god').code, 0);
  assert.notEqual(run(L.dir, 'staff', 'grant', '13999999999', 'admin').code, 0);
  assert.equal(run(L.dir, 'staff', 'revoke', '13800001009', 'moderator').code, 0);
  assert.equal(L.sql("SELECT count(*) FROM staff_roles"), '0');
});

test('F6: the audit log records sign-ins, failures and code sends, and its chain verifies', async () => {
  const events = L.sql("SELECT group_concat(DISTINCT event) FROM audit_log").split(',');
  for (const e of ['auth.code_sent', 'auth.login', 'auth.login_failed', 'session.revoked', 'staff.granted'])
    assert.ok(events.includes(e), `missing ${e} in ${events}`);
  const a = run(L.dir, 'audit');
  assert.equal(a.code, 0, a.out);
  assert.match(a.out, /audit-chain: \d+ entries verify/);
});

test('F4: a session signed in with a garbled User-Agent is still listed and can be ended', async () => {
  const phone = '13800001010';
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
  const body = JSON.stringify({ phone, code: L.lastCode(phone), accept_policy_version: 1 });
  const { connect } = await import('node:net');
  const reply = await new Promise((resolve) => {
    const s = connect(L.port, '127.0.0.1', () => {
      s.write(Buffer.concat([Buffer.from('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
        + 'Content-Type: application/json\r\nUser-Agent: bad'), Buffer.from([0xff, 0xfe, 0xe4, 0xb8]),
      Buffer.from(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)]));
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
  });
  const token = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).token;
  const list = await L.req('GET', '/api/v1/me/sessions', { token });
  assert.equal(list.json.items.length, 1);
  assert.match(list.json.items[0].device, /^bad\?+$/);
});

test('A4: setting a password signs out every other session', async () => {
  const phone = '13800001011';
  const a = await L.signIn(phone);
  L.sql(`UPDATE sms_codes SET created_at = created_at - 120`);
  const b = await L.signIn(phone);
  L.sql(`UPDATE sms_codes SET created_at = created_at - 120`);
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone, purpose: 'password' } });
  const code = L.outbox().filter((m) => m.phone === phone && m.purpose === 'password').at(-1).code;
  assert.equal((await L.req('PUT', '/api/v1/me/password', { token: b.token, body: { password: '八个字的中文密码呀', code } })).status, 200);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).status, 401);
  assert.equal((await L.req('GET', '/api/v1/me', { token: b.token })).status, 200);
});

test('HEAD is answered like GET, without a body', async () => {
  const res = await fetch(L.base + '/healthz', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});

test('F5: revoking a role the account does not hold is an error and records nothing', async () => {
  await L.signIn('13800001012');
  const before = L.sql("SELECT count(*) FROM audit_log WHERE event = 'staff.revoked'");
  const r = run(L.dir, 'staff', 'revoke', '13800001012', 'auditor');
  assert.notEqual(r.code, 0);
  assert.match(r.out, /does not hold/);
  assert.equal(L.sql("SELECT count(*) FROM audit_log WHERE event = 'staff.revoked'"), before);
});

test('H3: after a major policy change a signed-in person must accept it; leaving and export stay open', async () => {
  const phone = '13800001013';
  const p = await L.signIn(phone);
  const admin = await L.signIn('13800001014');
  assert.equal(run(L.dir, 'staff', 'grant', '13800001014', 'admin').code, 0);
  assert.equal((await L.req('POST', '/api/v1/admin/policy', { token: p.token, body: { version: '2.0', major: true, summary: 'x' } })).status, 403);
  const minor = await L.req('POST', '/api/v1/admin/policy', { token: admin.token, body: { version: '1.1', major: false, summary: '措辞调整' } });
  assert.equal(minor.status, 201, minor.text);
  assert.equal((await L.req('GET', '/api/v1/me', { token: p.token })).status, 200, 'a minor change asks nothing');
  const major = await L.req('POST', '/api/v1/admin/policy', { token: admin.token, body: { version: '2.0', major: true, summary: '新增共享场景' } });
  assert.equal(major.status, 201);
  assert.equal((await L.req('POST', '/api/v1/admin/policy', { token: admin.token, body: { version: '2.0', major: true, summary: 'again' } })).status, 409);
  const blocked = await L.req('GET', '/api/v1/me', { token: p.token });
  assert.equal(blocked.status, 409);
  assert.equal(blocked.json.error.code, 'consent_required');
  assert.equal((await L.req('GET', '/api/v1/me/data', { token: p.token })).status, 200, 'export stays open');
  assert.equal((await L.req('POST', '/api/v1/me/policy', { token: p.token, body: { version: minor.json.id } })).status, 409, 'only the current version');
  assert.equal((await L.req('POST', '/api/v1/me/policy', { token: p.token, body: { version: major.json.id } })).status, 200);
  assert.equal((await L.req('GET', '/api/v1/me', { token: p.token })).status, 200);
  const cur = await L.req('GET', '/api/v1/policy');
  assert.equal(cur.json.version, '2.0');
  assert.equal((await L.req('GET', '/api/v1/policy/versions')).json.items.length, 3, 'every version stays readable (H4)');
  // a fresh sign-in without accepting the new version is refused, as for a new person
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13800001015' } });
  const fresh = await L.req('POST', '/api/v1/auth/login', { body: { phone: '13800001015', code: L.lastCode('13800001015'), accept_policy_version: 1 } });
  assert.equal(fresh.status, 409);
});

test('A4: a flood of password sign-ins is answered busy instead of queueing every worker', async () => {
  const tries = Array.from({ length: 40 }, (_, i) => L.req('POST', '/api/v1/auth/login',
    { body: { phone: `1390000${String(5000 + i)}`, password: 'not-the-password' } }));
  const health = L.req('GET', '/healthz'); // a cheap request in the middle of the flood is still served
  const res = await Promise.all(tries);
  assert.equal((await health).status, 200);
  const busy = res.filter((r) => r.status === 503);
  assert.ok(res.every((r) => r.status === 401 || r.status === 503), res.map((r) => r.status).join(','));
  assert.ok(res.some((r) => r.status === 401), 'some hashes ran');
  assert.ok(busy.length > 0, 'the rest were turned away, not queued');
  assert.ok(busy.every((r) => r.json.error.code === 'server_busy'));
});
