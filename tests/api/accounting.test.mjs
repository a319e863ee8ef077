// accounting.test.mjs — figures and records that must tell the truth: statistics count only what is on offer (D4),
// precise location is used only with its consent (B9, G3), a read names the reader's role at the time (F5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli({ stats_k: 2 });
const MOD = '13533330001', P1 = '13533330002', P2 = '13533330003', S = '13533330004';
const base = { description: '', city: 1101, district: 110108, contact_phone: '13533330002' };
let mod, p1, p2, searcher, ids = [];

before(async () => {
  await L.start();
  [mod, p1, p2, searcher] = [await L.signIn(MOD), await L.signIn(P1), await L.signIn(P2), await L.signIn(S)];
  assert.equal(run(L.dir, 'staff', 'grant', MOD, 'moderator').code, 0);
  for (const p of [p1, p2]) {
    const r = await L.req('POST', '/api/v1/listings', { token: p.token, body: { ...base, category: 'housing',
      subcategory: 'rent', title: '统计 一居室', price: 400000, lat: 39.96, lng: 116.3,
      fields: { rooms: 1, area_m2: 40, address: '北京市海淀区苏州街', owner_name: '张三' } } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
});
after(async () => { await L.stop(); L.cleanup(); });

const cell = async () => (await L.req('GET', '/api/v1/stats')).json.cells
  .find((c) => c.city.code === 1101 && c.category === 'housing');

test('D4: a listing past its date is not counted, even before the sweep moves it', async () => {
  assert.equal((await cell()).listings, 2);
  L.sql(`UPDATE listings SET expires_at = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${ids[1]}`);
  const c = await cell();
  assert.equal(c.listings, null, 'one left, below k');
  assert.equal(c.suppressed, true);
  L.sql(`UPDATE listings SET expires_at = ${Math.floor(Date.now() / 1000) + 86400} WHERE id = ${ids[1]}`);
});

test('B9/G3: a signed-in search uses the exact point only with precise_location', async () => {
  const near = 'near=39.9649,116.3049&radius_km=5&sort=distance&category=housing';
  const coarse = await L.req('GET', `/api/v1/search?${near}`, { token: searcher.token });
  assert.equal(coarse.status, 200, coarse.text);
  assert.equal(coarse.json.items[0].distance_km, 0, 'rounded to about 1 km before use');
  const on = await L.req('PUT', '/api/v1/me/consents', { token: searcher.token, body: { precise_location: true } });
  assert.equal(on.status, 200);
  const exact = await L.req('GET', `/api/v1/search?${near}`, { token: searcher.token });
  assert.ok(exact.json.items[0].distance_km > 0.4, JSON.stringify(exact.json.items[0]));
  const anonymous = await L.req('GET', `/api/v1/search?${near}`);
  assert.ok(anonymous.json.items[0].distance_km > 0.4, 'a point tied to nobody is used as given');
  assert.equal(L.sql("SELECT count(*) FROM consents WHERE purpose = 'precise_location'"), '1');
});

test('F5: a read names the role the reader had when reading, not a later one', async () => {
  const r = await L.req('GET', `/api/v1/admin/listings/${ids[0]}`, { token: mod.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(run(L.dir, 'staff', 'revoke', MOD, 'moderator').code, 0);
  assert.equal(run(L.dir, 'staff', 'grant', MOD, 'support').code, 0);
  const reads = await L.req('GET', '/api/v1/me/reads', { token: p1.token });
  const staff = reads.json.items.find((i) => i.event === 'pi.staff_read');
  assert.ok(staff, reads.text);
  assert.equal(staff.who, 'moderator');
  assert.equal(run(L.dir, 'audit').code, 0, 'the chain still verifies');
});

test('linli audit reports each kind of planted violation, on a copy of this folder', async () => {
  const { mkdtempSync, copyFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const where = mkdtempSync(join(tmpdir(), 'linli-planted-'));
  try {
    assert.equal(run(L.dir, 'backup', join(where, 'b')).code, 0);
    assert.equal(run(L.dir, 'keys', 'backup', join(where, 'k')).code, 0);
    const dir = join(where, 'd');
    assert.equal(run(dir, 'restore', join(where, 'b')).code, 0);
    for (const f of ['keys.json', 'keys.db']) copyFileSync(join(where, 'k', f), join(dir, f));
    assert.equal(run(dir, 'audit').code, 0, 'the copy starts clean');
    const old = Math.floor(Date.now() / 1000) - 40 * 86400;
    execFileSync('sqlite3', [join(dir, 'linli.db'), [
      'ALTER TABLE users ADD COLUMN wechat TEXT;',
      `UPDATE users SET email = 'plain@example.cn' WHERE id = ${p1.user.id};`,
      `UPDATE users SET username_bi = X'00' WHERE id = ${p2.user.id};`,
      `INSERT INTO search_history(user_id, query, at) VALUES (${p1.user.id}, X'4C31', ${old});`,
      'DROP TRIGGER audit_log_append_only;',
      "UPDATE audit_log SET detail = '{}' WHERE id = (SELECT max(id) FROM audit_log);",
    ].join(' ')]);
    execFileSync('sqlite3', [join(dir, 'keys.db'), `DELETE FROM deks WHERE user_id = ${searcher.user.id}; `
      + "INSERT INTO deks VALUES (999999, X'4B3100000001' || zeroblob(72), 0);"]);
    const a = run(dir, 'audit');
    assert.equal(a.code, 1);
    for (const kind of ['undeclared-column: users.wechat', 'plaintext-pi: 1 rows of users.email', 'blind-index: 1 rows of users.username_bi',
      'past-retention: 1 values of search_history', 'audit-chain: entry', 'shredded-accounts: 1', 'orphan-keys: 1', 'unreadable-keys: 1'])
      assert.ok(a.out.includes(`FAIL ${kind}`), `${kind} in\n${a.out}`);
  } finally {
    rmSync(where, { recursive: true, force: true });
  }
});
