// services.test.mjs — home-service merchants reviewed by staff, service offerings, finding them near a point (JX, B9, B10, F5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli();
let owner, other, mod, searcher;
let merchantId;
const LICENSE = '91440101MA59ABCD1X';
const weekdays = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '20:00' }];
export const sampleService = {
  category: 'cleaning', title: '天河日常保洁 2小时', description: '自带工具，擦窗拖地', price: 12000, unit: '次',
  city: 4401, area: { districts: [440106, 440104] }, slots: weekdays,
};

before(async () => {
  await L.start();
  owner = await L.signIn('13622220001');
  other = await L.signIn('13622220002');
  mod = await L.signIn('13622220003');
  searcher = await L.signIn('13622220004');
  assert.equal(run(L.dir, 'staff', 'grant', '13622220003', 'moderator').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); });

const apply = (t, body) => L.req('POST', '/api/v1/merchants', { token: t.token, body });

test('JX: a merchant applies and is reviewed by staff: reject with a reason, apply again, approve', async () => {
  const bad = await apply(owner, { name: '好帮手家政', city: 4401, license_no: 'not-a-licence' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'license_no');
  assert.equal((await apply(owner, { name: '好帮手家政', city: 440106, license_no: LICENSE })).json.error.field, 'city');
  const res = await apply(owner, { name: '好帮手家政', city: 4401, license_no: LICENSE });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'pending');
  merchantId = res.json.id;
  assert.equal((await apply(owner, { name: '又一家', city: 4401, license_no: LICENSE })).json.error.code, 'merchant_exists');
  // pending: no services yet
  const early = await L.req('POST', '/api/v1/services', { token: owner.token, body: sampleService });
  assert.equal(early.status, 403);
  assert.equal(early.json.error.code, 'merchant_not_approved');
  // the queue is staff only
  assert.equal((await L.req('GET', '/api/v1/admin/merchants', { token: other.token })).status, 403);
  const queue = await L.req('GET', '/api/v1/admin/merchants', { token: mod.token });
  assert.deepEqual(queue.json.items.map((m) => m.id), [merchantId]);
  assert.ok(!queue.text.includes(LICENSE), 'the queue does not show the licence');
  const noReason = await L.req('POST', `/api/v1/admin/merchants/${merchantId}/reject`, { token: mod.token, body: {} });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  // staff pick a reason from a fixed list: free text (which could name the owner) is refused, nothing changes
  for (const reason of ['营业执照照片不清晰，法人王某电话13800138000', 'License_invalid', '', 'other ']) {
    const free = await L.req('POST', `/api/v1/admin/merchants/${merchantId}/reject`, { token: mod.token, body: { reason } });
    assert.equal(free.status, 422, reason);
    assert.equal(free.json.error.field, 'reason');
  }
  assert.equal(L.sql(`SELECT status || '|' || coalesce(review_note, '') FROM merchants WHERE id = ${merchantId}`), 'pending|');
  const rej = await L.req('POST', `/api/v1/admin/merchants/${merchantId}/reject`, { token: mod.token, body: { reason: 'license_invalid' } });
  assert.equal(rej.json.status, 'rejected');
  const mine = await L.req('GET', '/api/v1/me/merchant', { token: owner.token });
  assert.equal(mine.json.status, 'rejected');
  assert.equal(mine.json.review_note, '统一社会信用代码无法核验');
  assert.equal(mine.json.review_reason, 'license_invalid');
  assert.equal(L.sql(`SELECT review_note FROM merchants WHERE id = ${merchantId}`), 'license_invalid');
  const again = await apply(owner, { name: '好帮手家政', city: 4401, license_no: LICENSE });
  assert.equal(again.status, 201);
  assert.equal(again.json.id, merchantId, 'the same application goes back to the queue');
  assert.equal((await L.req('POST', `/api/v1/admin/merchants/${merchantId}/approve`, { token: mod.token })).json.status, 'approved');
  assert.equal((await L.req('GET', '/api/v1/me/merchant', { token: owner.token })).json.status, 'approved');
  assert.equal((await L.req('GET', '/api/v1/me/merchant', { token: other.token })).status, 404);
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'merchant.reviewed' AND subject = ${owner.user.id}`), '2');
});

test('F5: staff read the merchant\'s licence only for verification, each read audited; it is sealed at rest', async () => {
  const before = Number(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read' AND subject = ${owner.user.id}`));
  const res = await L.req('GET', `/api/v1/admin/merchants/${merchantId}`, { token: mod.token });
  assert.equal(res.json.license_no, LICENSE);
  assert.equal(Number(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read' AND subject = ${owner.user.id}`)), before + 1);
  assert.equal(L.sql(`SELECT count(*) FROM merchants WHERE instr(license_no, '${LICENSE}') > 0`), '0');
  assert.equal((await L.req('GET', `/api/v1/admin/merchants/${merchantId}`, { token: other.token })).status, 403);
  const reads = await L.req('GET', '/api/v1/me/reads', { token: owner.token });
  assert.ok(reads.json.items.some((i) => i.event === 'pi.staff_read' && i.detail.merchant === merchantId));
});

test('JX: a service is checked field by field and nothing is written on a fault', async () => {
  const cases = [
    [{ category: 'pets' }, 422, 'category'],
    [{ price: 0 }, 422, 'price'],
    [{ price: '120' }, 400, 'price'],
    [{ unit: '吨' }, 422, 'unit'],
    [{ title: '洁' }, 422, 'title'],
    [{ city: 440106 }, 422, 'city'],
    [{ area: { districts: [310104] } }, 422, 'area.districts'],
    [{ area: { districts: [] } }, 422, 'area.districts'],
    [{ area: { centre: { lat: 23.12, lng: 113.36 }, radius_km: 500 } }, 422, 'area.radius_km'],
    [{ area: { centre: { lat: 51.5, lng: -0.1 }, radius_km: 5 } }, 422, 'area.centre'],
    [{ area: { districts: [440106], radius_km: 3 } }, 422, 'area'],
    [{ slots: [] }, 422, 'slots'],
    [{ slots: [{ days: [8], from: '08:00', to: '20:00' }] }, 422, 'slots'],
    [{ slots: [{ days: [1], from: '20:00', to: '08:00' }] }, 422, 'slots'],
    [{ slots: 'always' }, 400, 'slots'],
    [{ colour: 'red' }, 400, 'colour'],
  ];
  for (const [change, status, field] of cases) {
    const res = await L.req('POST', '/api/v1/services', { token: owner.token, body: { ...sampleService, ...change } });
    assert.equal(res.status, status, `${field}: ${res.text}`);
    assert.equal(res.json.error.field, field, res.text);
  }
  assert.equal(L.sql('SELECT count(*) FROM services'), '0');
  assert.equal((await L.req('POST', '/api/v1/services', { token: other.token, body: sampleService })).status, 403);
});

let cleaning, moving, locks;
test('B9: services are found near a point, in a district, by keyword; each area counts', async () => {
  cleaning = (await L.req('POST', '/api/v1/services', { token: owner.token, body: sampleService })).json.id;
  assert.ok(cleaning);
  moving = (await L.req('POST', '/api/v1/services', { token: owner.token, body: { ...sampleService, category: 'moving', title: '同城搬家 小面包车', price: 30000,
    area: { centre: { lat: 23.12345, lng: 113.32456 }, radius_km: 3 } } })).json.id;
  locks = (await L.req('POST', '/api/v1/services', { token: owner.token, body: { ...sampleService, category: 'locksmith', title: '24小时开锁换锁芯', price: 8000,
    area: { districts: [440105] }, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } })).json.id;
  const one = await L.req('GET', `/api/v1/services/${moving}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json.area.centre, { lat: 23.123, lng: 113.325 }, 'the centre is rounded to about 100 m');
  assert.equal(one.json.price, 30000);
  assert.equal(one.json.merchant.name, '好帮手家政');
  const ids = async (qs) => (await L.req('GET', `/api/v1/services?${qs}`, { token: searcher.token })).json.items.map((s) => s.id);
  // Tianhe's centre is served by the district cleaning; Haizhu's locksmith is beyond 5 km of the area reaches
  assert.ok((await ids('near=23.1247,113.3612')).includes(cleaning));
  assert.ok(!(await ids('near=23.1247,113.3612&radius_km=0')).includes(locks));
  assert.deepEqual(await ids('near=23.1235,113.3246&radius_km=0&category=moving'), [moving]);
  assert.deepEqual(await ids('near=39.90,116.40'), [], 'nothing in Beijing');
  const haizhu = await ids('district=440105');
  assert.ok(haizhu.includes(locks) && !haizhu.includes(cleaning), `${haizhu}`);
  assert.ok((await ids('district=440106')).includes(cleaning));
  assert.deepEqual(await ids('city=4401&q=开锁'), [locks]);
  assert.deepEqual((await ids('city=4401')).sort((a, b) => a - b), [cleaning, moving, locks].sort((a, b) => a - b));
  const near = await L.req('GET', '/api/v1/services?near=23.1235,113.3246&radius_km=0&category=moving');
  assert.equal(near.json.items[0].distance_km, 0, 'inside the area');
  for (const [qs, field] of [['near=abc', 'near'], ['near=23.1,113.3&radius_km=-1', 'radius_km'], ['district=x', 'district'], ['category=pets&city=4401', 'category'], ['', 'near']]) {
    const res = await L.req('GET', `/api/v1/services?${qs}`);
    assert.ok(res.status === 400 || res.status === 422, qs);
    assert.equal(res.json.error.field, field, qs);
  }
});

test('B10: a nearby service search by a signed-in person leaves no coordinate anywhere', async () => {
  const points = ['23.13711,113.35722', '23.14933,113.36844'];
  for (const p of points) assert.equal((await L.req('GET', `/api/v1/services?near=${p}`, { token: searcher.token })).status, 200);
  assert.deepEqual(L.columnsHolding(points.flatMap((p) => p.split(',')), 0.0005), []);
});

test('JX: a merchant that is not approved offers nothing to anyone else', async () => {
  const bad = await L.signIn('13622220009');
  await apply(bad, { name: '待审商家', city: 4401, license_no: LICENSE });
  L.sql(`UPDATE merchants SET status = 'approved' WHERE user_id = ${bad.user.id}`);
  const id = (await L.req('POST', '/api/v1/services', { token: bad.token, body: { ...sampleService, title: '待审的保洁' } })).json.id;
  L.sql(`UPDATE merchants SET status = 'rejected' WHERE user_id = ${bad.user.id}`);
  assert.equal((await L.req('GET', `/api/v1/services/${id}`, { token: searcher.token })).status, 404);
  assert.equal((await L.req('GET', `/api/v1/services/${id}`, { token: bad.token })).status, 200, 'the merchant sees its own');
  assert.ok(!(await L.req('GET', '/api/v1/services?city=4401')).json.items.some((s) => s.id === id));
});
