// listings.test.mjs — posting in every category, masking, contact reveal, moderation, reports (B1–B5, B12, B13, F5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli();
let poster, viewer, mod;

export const samples = {
  jobs: { category: 'jobs', subcategory: 'fulltime', title: '招聘厨师 包吃住', description: '川菜馆招厨师，月休四天',
    price: null, city: 4401, district: 440106, contact_phone: '13912345678',
    fields: { position: '厨师', company: '蜀香川菜馆', salary_min: 8000, salary_max: 12000, experience: '3-5年', contact_email: 'hr@shuxiang.cn' } },
  services: { category: 'services', subcategory: 'moving', title: '专业搬家 同城急送', description: '天河区搬家，价格实惠',
    price: 20000, city: 4401, district: 440106, lat: 23.1246, lng: 113.3612, contact_phone: '13912345678',
    fields: { service_area: '广州全城', address: '广州市天河区天河路100号' } },
  housing: { category: 'housing', subcategory: 'rent', title: '直租两居室 近地铁', description: '租房无中介，拎包入住',
    price: 450000, city: 4401, district: 440106, contact_phone: '020-87654321',
    fields: { rooms: 2, area_m2: 68, decoration: '精装', address: '广州市天河区体育西路8号', owner_name: '王五',
      owner_id_number: '11010519491231002X', ownership_doc: '粤房字第123456号' } },
  cars: { category: 'cars', subcategory: 'sedan', title: '丰田卡罗拉 一手车', description: '二手车 车况好 无事故',
    price: 6500000, city: 4401, district: 440106, contact_phone: '13912345678',
    fields: { brand: '丰田', model: '卡罗拉', year: 2019, mileage_km: 52000, viewing_place: '天河区车管所门口', plate: '粤A12345' } },
  goods: { category: 'goods', subcategory: 'digital', title: '九成新 iPhone13 手机', description: '自用，急出',
    price: 250000, city: 4401, district: 440106, contact_phone: '13912345678', fields: { condition: '九成新', brand: 'Apple' } },
  dating: { category: 'dating', subcategory: 'friends', title: '周末一起爬山', description: '喜欢户外的朋友',
    city: 4401, district: 440106, contact_phone: '13912345678', fields: { gender: '女', age: 28 } },
};

async function post(token, body) { return L.req('POST', '/api/v1/listings', { token, body }); }

before(async () => {
  await L.start();
  poster = await L.signIn('13912345678');
  viewer = await L.signIn('13912345679');
  mod = await L.signIn('13912345670');
  assert.equal(run(L.dir, 'staff', 'grant', '13912345670', 'moderator').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); });

test('B1: a listing can be posted in each of the six categories, and is published at once', async () => {
  for (const [cat, body] of Object.entries(samples)) {
    const res = await post(poster.token, body);
    assert.equal(res.status, 201, `${cat}: ${res.text}`);
    assert.equal(res.json.status, 'published');
    samples[cat].id = res.json.id;
  }
  const cats = await L.req('GET', '/api/v1/categories');
  assert.deepEqual(cats.json.items.map((c) => c.slug), ['jobs', 'services', 'housing', 'cars', 'goods', 'dating']);
  const housing = cats.json.items.find((c) => c.slug === 'housing');
  assert.equal(housing.fields.find((f) => f.name === 'owner_id_number').show, 'staff');
});

test('B1: each category validates its own fields', async () => {
  const cases = [
    [{ ...samples.housing, fields: { ...samples.housing.fields, rooms: 'two' } }, 422, 'fields.rooms'],
    [{ ...samples.housing, fields: { ...samples.housing.fields, rooms: 99 } }, 422, 'fields.rooms'],
    [{ ...samples.housing, fields: { rooms: 2, area_m2: 60 } }, 400, 'fields.address'],
    [{ ...samples.jobs, fields: { ...samples.jobs.fields, contact_email: 'not-mail' } }, 422, 'fields.contact_email'],
    [{ ...samples.cars, fields: { ...samples.cars.fields, plate: 'ABC' } }, 422, 'fields.plate'],
    [{ ...samples.housing, fields: { ...samples.housing.fields, owner_id_number: '110105194912310021' } }, 422, 'fields.owner_id_number'],
    [{ ...samples.goods, fields: { condition: '九成新', color: '红' } }, 400, 'fields.color'],
    [{ ...samples.goods, fields: { condition: '十成新' } }, 422, 'fields.condition'],
    [{ ...samples.goods, category: 'pets' }, 422, 'category'],
    [{ ...samples.goods, subcategory: 'cats' }, 422, 'subcategory'],
    [{ ...samples.goods, city: 110101 }, 422, 'city'],
    [{ ...samples.goods, district: 110101 }, 422, 'district'],
    [{ ...samples.goods, contact_phone: '12345' }, 422, 'contact_phone'],
    [{ ...samples.goods, title: '' }, 422, 'title'],
    [{ ...samples.goods, lat: 23.1 }, 422, 'lng'],
    [{ ...samples.goods, lat: 51.5, lng: -0.12 }, 422, 'lat'],
    [{ ...samples.goods, price: -1 }, 422, 'price'],
    [{ ...samples.goods, price: '100' }, 400, 'price'],
  ];
  const before = L.sql('SELECT count(*) FROM listings');
  for (const [body, status, field] of cases) {
    const { id, ...clean } = body;
    const res = await post(poster.token, clean);
    assert.equal(res.status, status, `${field}: ${res.text}`);
    assert.equal(res.json.error.field, field, res.text);
  }
  assert.equal(L.sql('SELECT count(*) FROM listings'), before, 'no refused listing was stored');
});

test('B12: contact is masked in public and revealed in full only to signed-in people, audited', async () => {
  const pub = await L.req('GET', `/api/v1/listings/${samples.services.id}`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.contact.phone, '139****5678');
  assert.equal(pub.json.contact.fields.address, '广州市天河区****');
  assert.ok(!pub.text.includes('13912345678') && !pub.text.includes('天河路100号'));
  assert.equal((await L.req('GET', `/api/v1/listings/${samples.services.id}/contact`)).status, 401);
  const before = Number(L.sql("SELECT count(*) FROM audit_log WHERE event = 'listing.contact_revealed'"));
  const full = await L.req('GET', `/api/v1/listings/${samples.services.id}/contact`, { token: viewer.token });
  assert.equal(full.status, 200);
  assert.equal(full.json.phone, '13912345678');
  assert.equal(full.json.fields.address, '广州市天河区天河路100号');
  assert.equal(Number(L.sql("SELECT count(*) FROM audit_log WHERE event = 'listing.contact_revealed'")), before + 1);
  const jobs = await L.req('GET', `/api/v1/listings/${samples.jobs.id}/contact`, { token: viewer.token });
  assert.equal(jobs.json.fields.contact_email, 'hr@shuxiang.cn', 'B2: applicants can reach the employer');
});

test('B12: revealing contacts is rate-limited per person', async () => {
  const someone = await L.signIn('13912345671');
  let last;
  for (let i = 0; i < 31; i++) last = await L.req('GET', `/api/v1/listings/${samples.goods.id}/contact`, { token: someone.token });
  assert.equal(last.status, 429);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
});

test('B5: a plate is shown masked', async () => {
  const car = await L.req('GET', `/api/v1/listings/${samples.cars.id}`);
  assert.equal(car.json.contact.fields.plate, '粤A·****5');
  assert.ok(!car.text.includes('粤A12345'));
});

test('B4: ownership and real-name data are never shown, except to a moderator verifying it (audited)', async () => {
  const secret = ['王五', '11010519491231002X', '粤房字第123456号'];
  const views = [
    await L.req('GET', `/api/v1/listings/${samples.housing.id}`),
    await L.req('GET', `/api/v1/listings/${samples.housing.id}`, { token: poster.token }),
    await L.req('GET', `/api/v1/listings/${samples.housing.id}/contact`, { token: viewer.token }),
    await L.req('GET', '/api/v1/search?q=租房'),
    await L.req('GET', '/api/v1/me/listings', { token: poster.token }),
  ];
  for (const v of views) for (const s of secret) assert.ok(!v.text.includes(s), `${s} leaked: ${v.text.slice(0, 200)}`);
  assert.equal((await L.req('GET', `/api/v1/admin/listings/${samples.housing.id}`, { token: viewer.token })).status, 403);
  const staff = await L.req('GET', `/api/v1/admin/listings/${samples.housing.id}`, { token: mod.token });
  assert.equal(staff.status, 200);
  assert.equal(staff.json.verification.owner_id_number, '11010519491231002X');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read' AND subject = ${poster.user.id}`), '1');
  const files = L.sql("SELECT count(*) FROM listings WHERE instr(CAST(owner_name AS TEXT), '王五') > 0");
  assert.equal(files, '0', 'sealed at rest');
});

test('B13: a blocked word or link sends a listing to review; a moderator decides', async () => {
  const word = await post(poster.token, { ...samples.goods, id: undefined, title: '代开发票 正规' });
  assert.equal(word.json.status, 'pending');
  const link = await post(poster.token, { ...samples.goods, id: undefined, title: '手机便宜卖', description: '详情看 https://Bit.ly/x1' });
  assert.equal(link.json.status, 'pending');
  const clean = await post(poster.token, { ...samples.goods, id: undefined, title: '手机便宜卖', description: '详情看 https://example.cn/x' });
  assert.equal(clean.json.status, 'published');
  assert.equal((await L.req('GET', `/api/v1/listings/${word.json.id}`)).status, 404, 'pending is invisible to others');
  assert.equal((await L.req('GET', `/api/v1/listings/${word.json.id}`, { token: poster.token })).status, 200, 'but not to its poster');
  const queue = await L.req('GET', '/api/v1/admin/listings?status=pending', { token: mod.token });
  assert.deepEqual(queue.json.items.map((i) => i.id).sort(), [word.json.id, link.json.id].sort());
  assert.equal((await L.req('POST', `/api/v1/admin/listings/${link.json.id}/approve`, { token: mod.token })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/admin/listings/${word.json.id}/reject`, { token: mod.token, body: { note: '违规内容' } })).status, 200);
  assert.equal((await L.req('GET', `/api/v1/listings/${link.json.id}`)).status, 200);
  const mine = await L.req('GET', '/api/v1/me/listings', { token: poster.token });
  assert.equal(mine.json.items.find((i) => i.id === word.json.id).moderation_note, '违规内容');
  const add = await L.req('POST', '/api/v1/admin/blocklist', { token: mod.token, body: { kind: 'word', pattern: '高利贷' } });
  assert.equal(add.status, 201);
  assert.equal((await post(poster.token, { ...samples.goods, id: undefined, title: '高利贷 快速放款' })).json.status, 'pending');
  await L.req('POST', '/api/v1/admin/blocklist', { token: mod.token, body: { kind: 'url', pattern: 'Evil.Example' } });
  assert.equal((await post(poster.token, { ...samples.goods, id: undefined, title: '手机', description: '见 http://evil.example/a' })).json.status, 'pending', 'hosts match whatever their case');
  assert.equal((await L.req('GET', '/api/v1/admin/blocklist', { token: viewer.token })).status, 403);
});

test('B13: one report per person; three people hide a listing until reviewed', async () => {
  const target = (await post(poster.token, { ...samples.goods, id: undefined, title: '疑似诈骗的手机' })).json.id;
  const reporters = [viewer, await L.signIn('13912345672'), await L.signIn('13912345673')];
  assert.equal((await L.req('POST', `/api/v1/listings/${target}/reports`, { token: poster.token, body: { reason: 'fraud' } })).status, 422, 'a poster cannot report (and hide) their own');
  assert.equal((await L.req('POST', `/api/v1/listings/${target}/reports`, { token: reporters[0].token, body: { reason: 'fraud' } })).status, 201);
  const again = await L.req('POST', `/api/v1/listings/${target}/reports`, { token: reporters[0].token, body: { reason: 'spam' } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_reported');
  assert.equal((await L.req('POST', `/api/v1/listings/${target}/reports`, { token: reporters[1].token, body: { reason: 'nonsense' } })).status, 422);
  await L.req('POST', `/api/v1/listings/${target}/reports`, { token: reporters[1].token, body: { reason: 'fraud' } });
  assert.equal((await L.req('GET', `/api/v1/listings/${target}`)).status, 200);
  await L.req('POST', `/api/v1/listings/${target}/reports`, { token: reporters[2].token, body: { reason: 'fraud' } });
  assert.equal((await L.req('GET', `/api/v1/listings/${target}`)).status, 404);
  const hidden = await L.req('GET', '/api/v1/admin/listings?status=hidden', { token: mod.token });
  assert.ok(hidden.json.items.some((i) => i.id === target));
});

test('someone else\'s listing cannot be changed or deleted, and answers like a missing one', async () => {
  const id = samples.goods.id;
  const patch = await L.req('PATCH', `/api/v1/listings/${id}`, { token: viewer.token, body: { title: '被篡改' } });
  assert.equal(patch.status, 404);
  const missing = await L.req('PATCH', '/api/v1/listings/999999', { token: viewer.token, body: { title: '被篡改' } });
  assert.deepEqual(patch.json, missing.json);
  assert.equal((await L.req('DELETE', `/api/v1/listings/${id}`, { token: viewer.token })).status, 404);
  assert.equal((await L.req('GET', `/api/v1/listings/${id}`)).json.title, samples.goods.title);
});

test('a poster changes, renews and deletes a listing; search follows', async () => {
  const id = (await post(poster.token, { ...samples.goods, id: undefined, title: '旧标题 冰箱', fields: { condition: '八成新' } })).json.id;
  const p = await L.req('PATCH', `/api/v1/listings/${id}`, { token: poster.token, body: { title: '新标题 洗衣机', fields: { brand: '海尔' } } });
  assert.equal(p.status, 200, p.text);
  const got = await L.req('GET', `/api/v1/listings/${id}`);
  assert.equal(got.json.title, '新标题 洗衣机');
  assert.deepEqual(got.json.attrs, { brand: '海尔', condition: '八成新' }, 'fields merge by name');
  assert.equal((await L.req('GET', '/api/v1/search?q=冰箱')).json.items.length, 0);
  assert.equal((await L.req('GET', '/api/v1/search?q=洗衣机')).json.items[0].id, id);
  assert.equal((await L.req('POST', `/api/v1/listings/${id}/renew`, { token: poster.token })).status, 200);
  assert.equal((await L.req('DELETE', `/api/v1/listings/${id}`, { token: poster.token })).status, 200);
  assert.equal((await L.req('GET', '/api/v1/search?q=洗衣机')).json.items.length, 0);
  assert.equal((await L.req('GET', `/api/v1/listings/${id}`)).status, 404);
});

test('F5: a person sees who read their data, when and why (staff by role, others unnamed)', async () => {
  const reads = await L.req('GET', '/api/v1/me/reads', { token: poster.token });
  assert.equal(reads.status, 200);
  const staff = reads.json.items.find((i) => i.event === 'pi.staff_read');
  assert.ok(staff, reads.text);
  assert.equal(staff.who, 'moderator');
  assert.deepEqual(staff.detail.fields.sort(), ['owner_id_number', 'owner_name', 'ownership_doc']);
  const contact = reads.json.items.find((i) => i.event === 'listing.contact_revealed');
  assert.equal(contact.who, '登录用户');
  assert.ok(!reads.text.includes(String(viewer.user.id)) || contact.detail.listing !== viewer.user.id);
  const mine = await L.req('GET', '/api/v1/me/reads', { token: viewer.token });
  assert.equal(mine.json.items.length, 0, 'a reader sees nothing of the people they read');
});

// runs last: the sweep, 31 days on, ends every idle session of this server
test('F2: the sweep expires listings after 30 days; renewing brings one back', async () => {
  const id = (await post(poster.token, { ...samples.goods, id: undefined, title: '过期测试 沙发' })).json.id;
  assert.equal((await L.req('GET', '/api/v1/search?q=沙发')).json.items.length, 1);
  const in31 = Math.floor(Date.now() / 1000) + 31 * 86400;
  const r = run(L.dir, 'retention', 'run', '--now', String(in31));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /[1-9][0-9]* listings expired/);
  assert.equal((await L.req('GET', '/api/v1/search?q=沙发')).json.items.length, 0);
  assert.equal((await L.req('GET', `/api/v1/listings/${id}`)).status, 404);
  // 31 days on, the poster's idle session has ended too: sign in again
  assert.equal((await L.req('GET', '/api/v1/me', { token: poster.token })).status, 401);
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  poster = await L.signIn('13912345678');
  const mine = await L.req('GET', '/api/v1/me/listings', { token: poster.token });
  assert.equal(mine.json.items.find((i) => i.id === id).status, 'expired');
  assert.equal((await L.req('POST', `/api/v1/listings/${id}/renew`, { token: poster.token })).status, 200);
  assert.equal((await L.req('GET', '/api/v1/search?q=沙发')).json.items.length, 1);
});
