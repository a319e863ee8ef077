// keys.test.mjs — crypto-shredding reaches backups (G4, F7): data keys live in the key store (keys.db), which data
// backups never copy; a cancellation destroys the key, so a backup restored afterwards cannot open the account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linli, run } from './lib.mjs';

const L = new Linli();
const where = mkdtempSync(join(tmpdir(), 'linli-keys-'));
const people = {
  alice: { phone: '13912350001', email: 'alice.keys@example.cn' },
  bob: { phone: '13912350002', email: 'bob.keys@example.cn' },
  carol: { phone: '13912350003', email: 'carol.keys@example.cn' },
};

const keysSql = (dir, q) => execFileSync('sqlite3', [join(dir, 'keys.db'), q], { encoding: 'utf8' }).trim();
const dataSql = (dir, q) => execFileSync('sqlite3', [join(dir, 'linli.db'), q], { encoding: 'utf8' }).trim();

async function cancel(p) {
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  const sent = await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: p.phone, purpose: 'cancel' } });
  assert.equal(sent.status, 202, sent.text);
  const code = L.outbox().filter((m) => m.phone === p.phone && m.purpose === 'cancel').at(-1).code;
  const res = await L.req('DELETE', '/api/v1/me', { token: p.token, body: { code } });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

before(async () => {
  await L.start();
  for (const p of Object.values(people)) {
    const s = await L.signIn(p.phone);
    Object.assign(p, { token: s.token, id: s.user.id });
    const r = await L.req('PATCH', '/api/v1/me', { token: s.token, body: { email: p.email } });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await L.stop(); L.cleanup(); rmSync(where, { recursive: true, force: true }); });

test('G4: data keys are in the key store, not in the users table', () => {
  assert.equal(L.sql("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'dek'"), '0');
  assert.equal(keysSql(L.dir, 'SELECT count(*) FROM deks'), '3');
  assert.equal(keysSql(L.dir, "SELECT count(*) FROM deks WHERE hex(substr(dek, 1, 2)) = '4B31'"), '3');
});

test('G4/F7: backup, cancel, restore: the cancelled accounts cannot be opened, the others can', async () => {
  const data = join(where, 'data-before'), keysBefore = join(where, 'keys-before'), keysAfter = join(where, 'keys-after');
  let r = run(L.dir, 'backup', data);
  assert.equal(r.code, 0, r.out);
  assert.ok(!existsSync(join(data, 'keys.db')) && !existsSync(join(data, 'keys.json')), 'no keys in a data backup');
  r = run(L.dir, 'keys', 'backup', keysBefore);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /delete them after 15 days/);
  assert.equal(keysSql(keysBefore, 'SELECT count(*) FROM deks'), '3');
  assert.ok(existsSync(join(keysBefore, 'keys.json')));

  const receipt = await cancel(people.alice);
  assert.ok(receipt.erased.some((e) => e.table === 'deks' && e.rows === 1), 'the receipt names the destroyed key');
  await cancel(people.carol);
  assert.equal(keysSql(L.dir, `SELECT count(*) FROM deks WHERE user_id IN (${people.alice.id}, ${people.carol.id})`), '0');
  r = run(L.dir, 'keys', 'backup', keysAfter);
  assert.equal(r.code, 0, r.out);

  // restore the backup taken before the cancellations, with the keys as they are now
  const R = new Linli();
  R.dir = join(where, 'restored');
  assert.equal(run(R.dir, 'restore', data).code, 0);
  copyFileSync(join(keysAfter, 'keys.json'), join(R.dir, 'keys.json'));
  copyFileSync(join(keysAfter, 'keys.db'), join(R.dir, 'keys.db'));
  assert.equal(dataSql(R.dir, `SELECT count(*) FROM users WHERE id = ${people.alice.id} AND email IS NOT NULL`), '1',
    'the backup still holds the sealed e-mail');
  assert.equal(keysSql(R.dir, `SELECT count(*) FROM deks WHERE user_id = ${people.alice.id}`), '0', 'but no key for it');

  const audit = run(R.dir, 'audit');
  assert.equal(audit.code, 1, audit.out);
  assert.match(audit.out, /FAIL shredded-accounts: 2 accounts have no data key/);
  assert.match(audit.out, /ok {3}audit-chain/);

  await R.start();
  try {
    for (const path of ['/api/v1/me', '/api/v1/me/export', '/api/v1/me/data']) {
      const res = await R.req('GET', path, { token: people.alice.token });
      assert.equal(res.status, 401, path);
      assert.equal(res.json.error.code, 'account_erased', path);
      assert.ok(!res.text.includes(people.alice.email));
    }
    const bob = await R.req('GET', '/api/v1/me/export', { token: people.bob.token });
    assert.equal(bob.status, 200, 'a live account restores whole');
    assert.ok(bob.text.includes(people.bob.email));

    // the number signs up again as a new person; what was left of the old account goes
    R.sql('UPDATE sms_codes SET created_at = created_at - 120');
    const again = await R.signIn(people.alice.phone);
    assert.equal(again.user.new, true);
    assert.notEqual(again.user.id, people.alice.id);
    assert.equal(R.sql(`SELECT count(*) FROM users WHERE id = ${people.alice.id}`), '0');
    const mine = await R.req('GET', '/api/v1/me/export', { token: again.token });
    assert.ok(!mine.text.includes(people.alice.email));

    // the sweep finishes the other one, with no person as the actor
    const sweep = run(R.dir, 'retention', 'run', '--now', String(Math.floor(Date.now() / 1000) + 7200));
    assert.equal(sweep.code, 0, sweep.out);
    assert.match(sweep.out, /accounts without a data key erased: 1/);
    assert.equal(R.sql(`SELECT count(*) FROM users WHERE id = ${people.carol.id}`), '0');
    assert.equal(R.sql(`SELECT count(*) FROM audit_log WHERE event = 'account.erased' AND subject = ${people.carol.id} `
      + 'AND actor IS NULL'), '1');
    const clean = run(R.dir, 'audit');
    assert.equal(clean.code, 0, clean.out);
  } finally {
    await R.stop();
    R.cleanup();
  }
});

test('F7: a restore without the key store refuses to start instead of shredding everyone', () => {
  const data = join(where, 'data-2');
  assert.equal(run(L.dir, 'backup', data).code, 0);
  const dir = join(where, 'no-keys');
  assert.equal(run(dir, 'restore', data).code, 0);
  copyFileSync(join(L.dir, 'keys.json'), join(dir, 'keys.json'));
  for (let i = 0; i < 2; i++) {
    const r = run(dir, 'audit');
    assert.notEqual(r.code, 0);
    assert.match(r.out, /key store keys\.db is missing/);
    assert.ok(!existsSync(join(dir, 'keys.db')), 'no empty key store is left behind to pass the next start');
  }
  assert.ok(readFileSync(join(dir, 'linli.db')).length > 0);
});
