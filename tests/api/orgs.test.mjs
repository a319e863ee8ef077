// orgs.test.mjs — employers' organisations: credit code check, private licence, staff review, job quota (C7, F5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Linli, run } from './lib.mjs';
import { creditCode } from './idnum.mjs';

const L = new Linli();
const CODE = creditCode('91440101MA5C0000X');
let boss, mod, other;

function licencePart(bytes, name = 'licence') {
  const b = '----lic' + Date.now();
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="l.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  return { raw: Buffer.concat([head, bytes, Buffer.from(`\r\n--${b}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}
const JPEG = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
const job = (n) => ({ category: 'jobs', title: `招聘服务员 ${n}`, description: '餐厅招聘', city: 4401, contact_phone: '13722220001', fields: { position: '服务员' } });

before(async () => {
  await L.start();
  boss = await L.signIn('13722220001');
  other = await L.signIn('13722220002');
  mod = await L.signIn('13722220003');
  assert.equal(run(L.dir, 'staff', 'grant', '13722220003', 'moderator').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); });

test('C7: the unified social credit code is checked per GB 32100', async () => {
  const bad = CODE.slice(0, 17) + (CODE[17] === '1' ? '2' : '1');
  let res = await L.req('POST', '/api/v1/organizations', { token: boss.token, body: { name: '蜀香餐饮有限公司', credit_code: bad } });
  assert.equal(res.status, 422);
  assert.deepEqual([res.json.error.code, res.json.error.field], ['credit_code_check', 'credit_code']);
  res = await L.req('POST', '/api/v1/organizations', { token: boss.token, body: { name: '蜀香餐饮有限公司', credit_code: 'ABC' } });
  assert.equal(res.json.error.code, 'credit_code_format');
  assert.equal(L.sql('SELECT count(*) FROM organizations'), '0');
  res = await L.req('POST', '/api/v1/organizations', { token: boss.token, body: { name: '蜀香餐饮有限公司', credit_code: CODE } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'pending');
  boss.org = res.json.id;
  res = await L.req('POST', '/api/v1/organizations', { token: boss.token, body: { name: '另一家', credit_code: CODE } });
  assert.equal(res.status, 409);
  assert.ok(!L.sql(`SELECT hex(credit_code) FROM organizations`).includes(Buffer.from(CODE).toString('hex').toUpperCase()), 'sealed');
});

test('C7: an unreviewed employer may have only a few live job listings', async () => {
  for (let i = 1; i <= 3; i++) assert.equal((await L.req('POST', '/api/v1/listings', { token: boss.token, body: job(i) })).status, 201);
  const res = await L.req('POST', '/api/v1/listings', { token: boss.token, body: job(4) });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'job_quota_reached');
  const goods = await L.req('POST', '/api/v1/listings', { token: boss.token, body: { category: 'goods', title: '旧桌子', city: 4401, contact_phone: '13722220001', fields: { condition: '九成新' } } });
  assert.equal(goods.status, 201, 'other categories are not limited');
});

test('C7: the licence photo is private: stored sealed, never a public file, read by staff audited', async () => {
  const photosDir = join(L.dir, 'photos');
  const before = existsSync(photosDir) ? readdirSync(photosDir).length : 0;
  assert.equal((await L.req('PUT', `/api/v1/organizations/${boss.org}/licence`, { token: other.token, ...licencePart(JPEG) })).status, 404, 'not someone else\'s');
  const up = await L.req('PUT', `/api/v1/organizations/${boss.org}/licence`, { token: boss.token, ...licencePart(JPEG) });
  assert.equal(up.status, 200, up.text);
  assert.equal(existsSync(photosDir) ? readdirSync(photosDir).length : 0, before, 'no file anyone could fetch');
  assert.ok(!L.sql('SELECT hex(licence) FROM organizations').includes(Buffer.from('data:image').toString('hex').toUpperCase()));
  assert.equal((await L.req('GET', `/api/v1/admin/organizations/${boss.org}/licence`, { token: other.token })).status, 403);
  const queue = await L.req('GET', '/api/v1/admin/organizations?status=pending', { token: mod.token });
  assert.ok(queue.json.items.some((o) => o.id === boss.org && o.has_licence && !('credit_code' in o)));
  const detail = await L.req('GET', `/api/v1/admin/organizations/${boss.org}`, { token: mod.token });
  assert.equal(detail.json.credit_code, CODE);
  const img = await fetch(`${L.base}/api/v1/admin/organizations/${boss.org}/licence`, { headers: { authorization: `Bearer ${mod.token}` } });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  assert.match(img.headers.get('cache-control'), /no-store/);
  const bytes = Buffer.from(await img.arrayBuffer());
  assert.equal(bytes[0], 0xff);
  assert.ok(!bytes.includes(Buffer.from('GPS')), 'metadata stripped');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read' AND actor = ${mod.user.id} AND subject = ${boss.user.id}`), '2');
  const reads = await L.req('GET', '/api/v1/me/reads', { token: boss.token });
  assert.ok(reads.json.items.filter((i) => i.event === 'pi.staff_read').length >= 2, 'F5: the employer sees who read');
});

test('C7: staff reject with a reason code, the employer resubmits, staff approve; then the quota lifts', async () => {
  let res = await L.req('POST', `/api/v1/admin/organizations/${boss.org}/reject`, { token: mod.token, body: {} });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, 'reason');
  // staff pick a reason from a fixed list: free text (which could name a person) is refused, nothing changes
  for (const reason of ['执照照片不清晰，法人张某电话13800138000', 'Other', '', 'other ', 'x'.repeat(41)]) {
    res = await L.req('POST', `/api/v1/admin/organizations/${boss.org}/reject`, { token: mod.token, body: { reason } });
    assert.equal(res.status, 422, reason);
    assert.equal(res.json.error.field, 'reason');
  }
  assert.equal(L.sql(`SELECT status || '|' || coalesce(review_note, '') FROM organizations WHERE id = ${boss.org}`), 'pending|');
  const codes = ['licence_unreadable', 'credit_code_invalid', 'name_mismatch', 'licence_invalid', 'other'];
  const seen = new Set();
  for (const reason of codes) {
    res = await L.req('POST', `/api/v1/admin/organizations/${boss.org}/reject`, { token: mod.token, body: { reason } });
    assert.equal(res.status, 200, res.text);
    assert.equal(L.sql(`SELECT review_note FROM organizations WHERE id = ${boss.org}`), reason);
    const mine = await L.req('GET', '/api/v1/me/organization', { token: boss.token });
    assert.deepEqual([mine.json.status, mine.json.review_reason, mine.json.credit_code], ['rejected', reason, CODE]);
    assert.match(mine.json.review_note, /\p{Script=Han}/u, 'the owner reads the reason in Chinese');
    seen.add(mine.json.review_note);
  }
  assert.equal(seen.size, codes.length, 'each code has its own text');
  const mine = await L.req('GET', '/api/v1/me/organization', { token: boss.token });
  assert.equal(mine.json.review_note, '其他原因，请联系客服了解详情');
  res = await L.req('POST', '/api/v1/organizations', { token: boss.token, body: { name: '蜀香餐饮有限公司', credit_code: CODE } });
  assert.equal(res.status, 201);
  assert.equal(res.json.id, boss.org);
  res = await L.req('POST', `/api/v1/admin/organizations/${boss.org}/approve`, { token: mod.token });
  assert.equal(res.status, 200, res.text);
  const fourth = await L.req('POST', '/api/v1/listings', { token: boss.token, body: job(4) });
  assert.equal(fourth.status, 201, fourth.text);
  const shown = await L.req('GET', `/api/v1/listings/${fourth.json.id}`);
  assert.deepEqual(shown.json.poster, { verified: false, organization: '蜀香餐饮有限公司' });
  assert.ok(!shown.text.includes(CODE));
});

test('C7/B12: a signed-out listing detail carries the organisation exactly while it is approved', async () => {
  const id = L.sql(`SELECT id FROM listings WHERE user_id = ${boss.user.id} AND title = '招聘服务员 1'`);
  // posted before the approval, yet its stored card names the organisation now; signed in, the same view
  const views = async () => {
    const anon = await L.req('GET', `/api/v1/listings/${id}`);
    const signed = await L.req('GET', `/api/v1/listings/${id}`, { token: other.token });
    assert.equal(anon.status, 200, anon.text);
    assert.deepEqual(anon.json, signed.json);
    return anon.json.poster;
  };
  assert.deepEqual(await views(), { verified: false, organization: '蜀香餐饮有限公司' });
  // a new licence sends the organisation back to review: off the cards until approved again
  assert.equal((await L.req('PUT', `/api/v1/organizations/${boss.org}/licence`, { token: boss.token, ...licencePart(JPEG) })).status, 200);
  assert.deepEqual(await views(), { verified: false, organization: null });
  assert.equal((await L.req('POST', `/api/v1/admin/organizations/${boss.org}/approve`, { token: mod.token })).status, 200);
  assert.equal((await views()).organization, '蜀香餐饮有限公司');
  const rejected = await L.req('POST', `/api/v1/admin/organizations/${boss.org}/reject`, { token: mod.token, body: { reason: 'licence_invalid' } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.deepEqual(await views(), { verified: false, organization: null });
});

test('C7: approval needs the licence', async () => {
  const res = await L.req('POST', '/api/v1/organizations', { token: other.token, body: { name: '无照公司', credit_code: creditCode('92440106L12345678') } });
  assert.equal(res.status, 201);
  const approve = await L.req('POST', `/api/v1/admin/organizations/${res.json.id}/approve`, { token: mod.token });
  assert.equal(approve.status, 409);
  assert.equal(approve.json.error.code, 'licence_missing');
});
