// privacy.test.mjs — personal data is sealed at rest (F3) and never reaches the logs; keys rotate while serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Linli, run } from './lib.mjs';

const L = new Linli();
const people = [
  { phone: '13912340001', username: '王小明', email: 'xiaoming.wang@example.cn', qq: '88886666', nickname: '明明' },
  { phone: '15012340002', username: 'lilei2026', email: 'lilei@example.com', qq: '1234567', nickname: '雷雷' },
  { phone: '18612340003', username: '韩梅梅', email: 'meimei.han@example.org', qq: '7654321', nickname: '梅子' },
];
const secrets = []; // every token and code the tests saw, to look for in the logs

before(async () => {
  await L.start();
  for (const p of people) {
    const s = await L.signIn(p.phone);
    p.token = s.token;
    secrets.push(s.token, L.lastCode(p.phone));
    const r = await L.req('PATCH', '/api/v1/me', { token: s.token,
      body: { username: p.username, email: p.email, qq: p.qq, nickname: p.nickname, city: '杭州' } });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await L.stop(); L.cleanup(); });

function scan(files, needles) {
  const found = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    const buf = readFileSync(f);
    for (const n of needles) if (buf.includes(Buffer.from(n, 'utf8'))) found.push(`${n} in ${f}`);
  }
  return found;
}

function personalStrings() {
  return people.flatMap((p) => [p.phone, p.username, p.email, p.qq, p.nickname]);
}

test('F3: the database file and its WAL hold no phone, user name, e-mail or QQ in clear (while serving)', () => {
  const files = ['linli.db', 'linli.db-wal', 'linli.db-shm'].map((f) => join(L.dir, f));
  assert.ok(existsSync(files[1]), 'the WAL exists while serving');
  assert.deepEqual(scan(files, personalStrings()), []);
});

test('F3: a sign-in finds the account through the blind index', async () => {
  const res = await L.req('GET', '/api/v1/me', { token: people[0].token });
  assert.equal(res.json.phone, people[0].phone);
  assert.equal(L.sql("SELECT count(*) FROM users WHERE length(phone_bi) = 32 AND hex(substr(phone, 1, 2)) = '4C31'"), '3');
});

test('F3: keys rotate while serving and every account stays readable', async () => {
  const keys = (q) => execFileSync('sqlite3', [join(L.dir, 'keys.db'), q], { encoding: 'utf8' }).trim();
  const before = keys('SELECT group_concat(hex(substr(dek, 3, 4))) FROM deks');
  const r = run(L.dir, 'keys', 'rotate');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /master key version 2; 3 data keys re-wrapped/);
  const after = keys('SELECT group_concat(hex(substr(dek, 3, 4))) FROM deks');
  assert.notEqual(before, after);
  assert.ok(after.split(',').every((v) => v === '00000002'));
  for (const p of people) {
    const me = await L.req('GET', '/api/v1/me', { token: p.token });
    assert.equal(me.status, 200);
    assert.equal(me.json.email, p.email);
  }
  const fresh = await L.signIn('13712340004'); // a new account after rotation, in the same running server
  assert.equal((await L.req('GET', '/api/v1/me', { token: fresh.token })).status, 200);
  const file = JSON.parse(readFileSync(join(L.dir, 'keys.json'), 'utf8'));
  assert.equal(file.current, 2);
  assert.ok(file.master['1'] && file.master['2']);
});

test('F3: after shutdown (WAL checkpointed) the database file still holds nothing in clear', async () => {
  await L.stop();
  const files = readdirSync(L.dir).filter((f) => f.startsWith('linli.db')).map((f) => join(L.dir, f));
  assert.deepEqual(scan(files, personalStrings()), []);
  assert.equal(run(L.dir, 'audit').code, 0);
  await L.start(); // serve again on the same folder for the remaining tests
});

test('logs carry no phone numbers, codes, tokens, cookies or bodies', async () => {
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13700000000' } });
  await L.req('GET', `/api/v1/me?phone=${people[0].phone}`, { token: people[0].token });
  await L.stop();
  const logs = join(L.dir, 'logs');
  const files = readdirSync(logs).map((f) => join(logs, f));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.match(text, /POST \/api\/v1\/auth\/sms-code 202/, 'the access log is written');
  const needles = [...personalStrings(), '13700000000', ...secrets, 'linli_session', 'Bearer', '"phone"'];
  assert.deepEqual(needles.filter((n) => n && text.includes(n)), []);
  await L.start();
});

test('F7: an online backup taken while serving restores into a working platform', async () => {
  const { mkdtempSync, copyFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const where = mkdtempSync(join(tmpdir(), 'linli-backup-'));
  const dest = join(where, 'b1');
  const b = run(L.dir, 'backup', dest);
  assert.equal(b.code, 0, b.out);
  assert.ok(!existsSync(join(dest, 'keys.json')), 'no keys in a data backup');
  const R = new Linli();
  R.dir = join(where, 'restored');
  const r = run(R.dir, 'restore', dest);
  assert.equal(r.code, 0, r.out);
  assert.notEqual(run(R.dir, 'restore', dest).code, 0, 'never over an existing database');
  const keys = join(where, 'k1');
  assert.equal(run(L.dir, 'keys', 'backup', keys).code, 0);
  copyFileSync(join(keys, 'keys.json'), join(R.dir, 'keys.json'));
  copyFileSync(join(keys, 'keys.db'), join(R.dir, 'keys.db'));
  await R.start();
  try {
    for (const p of people) {
      const me = await R.req('GET', '/api/v1/me', { token: p.token });
      assert.equal(me.status, 200, 'sessions and sealed fields survive the round trip');
      assert.equal(me.json.email, p.email);
    }
    assert.equal(run(R.dir, 'audit').code, 0);
  } finally {
    await R.stop();
    R.cleanup();
  }
});
