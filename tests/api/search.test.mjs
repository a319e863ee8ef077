// search.test.mjs — finding listings by Chinese keyword, filters, near a point; history (B8, B9, B10, G2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from './lib.mjs';

const L = new Linli();
let poster, searcher;
const ids = {};

const base = { description: '', city: 1101, district: 110108, contact_phone: '13700000001' };
const items = [
  ['moving1', { category: 'services', subcategory: 'moving', title: '海淀搬家公司', price: 30000, lat: 39.9593, lng: 116.2981, fields: { service_area: '海淀', address: '北京市海淀区中关村' } }],
  ['moving2', { category: 'services', subcategory: 'moving', title: '朝阳小型搬家', price: 15000, district: 110105, lat: 39.9219, lng: 116.4436, fields: { service_area: '朝阳', address: '北京市朝阳区三里屯' } }],
  ['nanny', { category: 'services', subcategory: 'nanny', title: '住家保姆 急招', price: 600000, fields: { service_area: '北京', address: '北京市海淀区五道口' } }],
  ['rent', { category: 'housing', subcategory: 'rent', title: '租房 一居室', price: 400000, lat: 39.9600, lng: 116.3000, fields: { rooms: 1, area_m2: 40, address: '北京市海淀区苏州街' } }],
  ['rent2', { category: 'housing', subcategory: 'rent', title: '整租两居 可短租房', price: 650000, fields: { rooms: 2, area_m2: 70, address: '北京市海淀区知春路' } }],
  ['car', { category: 'cars', subcategory: 'sedan', title: '二手车 大众朗逸', price: 5000000, fields: { brand: '大众', year: 2018, mileage_km: 80000, viewing_place: '海淀驾校' } }],
  ['car2', { category: 'cars', subcategory: 'suv', title: '个人二手 汽车', price: 9000000, fields: { brand: '本田', year: 2020, mileage_km: 30000, viewing_place: '海淀' } }],
  ['sh', { category: 'goods', subcategory: 'digital', title: '上海 二手车载充电器', price: 5000, city: 3101, district: 310104, fields: { condition: '全新' } }],
];

before(async () => {
  await L.start();
  poster = await L.signIn('13700000001');
  searcher = await L.signIn('13700000002');
  for (const [k, body] of items) {
    const res = await L.req('POST', '/api/v1/listings', { token: poster.token, body: { ...base, ...body } });
    assert.equal(res.status, 201, res.text);
    ids[k] = res.json.id;
  }
});
after(async () => { await L.stop(); L.cleanup(); });

async function find(qs, opts) { const r = await L.req('GET', `/api/v1/search?${qs}`, opts); assert.equal(r.status, 200, r.text); return r.json; }
const idsOf = (res) => res.items.map((i) => i.id).sort((a, b) => a - b);
const want = (...ks) => ks.map((k) => ids[k]).sort((a, b) => a - b);

test('B8: two-character Chinese queries find every listing containing them, and nothing else', async () => {
  assert.deepEqual(idsOf(await find('q=搬家')), want('moving1', 'moving2'));
  assert.deepEqual(idsOf(await find('q=租房')), want('rent', 'rent2'), '租房 inside 短租房 counts too');
  assert.deepEqual(idsOf(await find('q=保姆')), want('nanny'));
});

test('B8: one, three and four characters, and mixed words', async () => {
  assert.deepEqual(idsOf(await find('q=急')), want('nanny'));
  assert.deepEqual(idsOf(await find('q=二手车')), want('car', 'sh'));
  assert.deepEqual(idsOf(await find('q=二手车载')), want('sh'));
  // both words must occur; 海淀 comes from the cars' viewing place, an indexed text attribute
  assert.deepEqual(idsOf(await find('q=二手 海淀')), want('car', 'car2'));
  assert.deepEqual(idsOf(await find('q=二手 上海')), want('sh'));
  assert.deepEqual(idsOf(await find('q=iphone')), want());
});

test('B8: keyword, city, district and category narrow together', async () => {
  assert.deepEqual(idsOf(await find('q=二手&city=1101')), want('car', 'car2'));
  assert.deepEqual(idsOf(await find('q=二手&city=3101')), want('sh'));
  assert.deepEqual(idsOf(await find('q=搬家&city=1101&category=services&district=110105')), want('moving2'));
  assert.deepEqual(idsOf(await find('q=搬家&category=housing')), want());
  assert.deepEqual(idsOf(await find('city=1101&category=housing')), want('rent', 'rent2'));
  assert.deepEqual(idsOf(await find('city=1101&category=housing&attr.rooms=2')), want('rent2'));
  assert.deepEqual(idsOf(await find('city=1101&category=cars&attr.brand=大众')), want('car'));
  assert.deepEqual(idsOf(await find('city=1101&price_min=100000&price_max=700000')), want('nanny', 'rent', 'rent2'));
});

test('sorting and keyset pagination give every result exactly once', async () => {
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const res = await find(`city=1101&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...res.items.map((i) => i.id));
    cursor = res.next_cursor;
    if (!cursor) break;
  }
  assert.equal(seen.length, 7);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'newest first');
  const byPrice = [];
  cursor = null;
  for (let page = 0; page < 10; page++) {
    const res = await find(`city=1101&sort=price_asc&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    byPrice.push(...res.items.map((i) => i.price));
    cursor = res.next_cursor;
    if (!cursor) break;
  }
  assert.deepEqual(byPrice, [15000, 30000, 400000, 600000, 650000, 5000000, 9000000]);
  for (const bad of ['cursor=zzz', 'cursor=n-5', 'sort=cheap', 'limit=500', 'city=abc', 'category=pets', 'near=1,2,3', 'q=%22%22', 'sort=distance'])
    assert.equal((await L.req('GET', `/api/v1/search?${bad}`)).status >= 400, true, bad);
});

test('B9: nearby search takes a point per request and shows the distance, rounded', async () => {
  const res = await find('near=39.9600,116.3000&radius_km=3&sort=distance');
  assert.deepEqual(res.items.map((i) => i.id), [ids.rent, ids.moving1]);
  assert.equal(res.items[0].distance_km, 0);
  assert.ok(res.items[1].distance_km > 0.1 && res.items[1].distance_km < 0.3, String(res.items[1].distance_km));
  assert.equal(String(res.items[1].distance_km).split('.')[1]?.length ?? 0, 1, 'one decimal');
  const cat = await find('near=39.9600,116.3000&radius_km=20&category=services');
  assert.deepEqual(idsOf(cat), want('moving1', 'moving2'));
  const none = await find('city=1101&category=services'); // no point at all: everything still works
  assert.equal(none.items.length, 3);
  assert.ok(none.items.every((i) => i.distance_km === undefined));
});

test('B10: nearby searches by a signed-in person leave no coordinate anywhere', async () => {
  const points = ['39.97123,116.31234', '39.98345,116.32456', '39.99567,116.33678'];
  for (const p of points) await find(`near=${p}&radius_km=5`, { token: searcher.token });
  const tables = L.sql("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'").split('\n');
  // one sqlite3 run per table (a run per column and value took longer than the server's idle timeout)
  for (const t of tables) {
    const cols = L.sql(`SELECT name FROM pragma_table_info('${t}')`).split('\n');
    const checks = cols.flatMap((c) => points.flatMap((p) => p.split(',').map((v) =>
      `(SELECT count(*) FROM "${t}" WHERE typeof("${c}") IN ('real','text') AND abs(CAST("${c}" AS REAL) - ${v}) < 0.001) || ' ${c} ${v}'`)));
    const found = L.sql(`SELECT ${checks.join(" || ',' || ")}`).split(',').filter((r) => !r.startsWith('0 '));
    assert.deepEqual(found, [], `${t} holds a searched coordinate`);
  }
});

test('B8/G2: a signed-in person\'s searches and footprints are kept for them and can be cleared', async () => {
  await find('q=搬家', { token: searcher.token });
  await L.req('GET', `/api/v1/listings/${ids.rent}`, { token: searcher.token });
  const h = await L.req('GET', '/api/v1/me/history', { token: searcher.token });
  assert.equal(h.json.search[0].query, '搬家');
  assert.equal(h.json.browse[0].listing_id, ids.rent);
  assert.equal(h.json.kept_days, 30);
  assert.equal(L.sql("SELECT count(*) FROM search_history WHERE CAST(query AS TEXT) LIKE '%搬家%'"), '0', 'sealed at rest');
  const other = await L.req('GET', '/api/v1/me/history', { token: poster.token });
  assert.equal(other.json.search.length, 0, 'one person never sees another\'s history');
  assert.equal((await L.req('DELETE', '/api/v1/me/history', { token: searcher.token })).status, 200);
  const after = await L.req('GET', '/api/v1/me/history', { token: searcher.token });
  assert.deepEqual([after.json.search.length, after.json.browse.length], [0, 0]);
  assert.equal(L.sql(`SELECT count(*) FROM search_history WHERE user_id = ${searcher.user.id}`), '0');
});

test('regions: provinces, cities of a province, districts of a city, with centres', async () => {
  const prov = await L.req('GET', '/api/v1/regions');
  assert.ok(prov.json.items.length >= 31);
  const gd = await L.req('GET', '/api/v1/regions?parent=44');
  assert.ok(gd.json.items.some((c) => c.code === 4401 && c.name === '广州市'));
  const bj = await L.req('GET', '/api/v1/regions?parent=1101');
  const hd = bj.json.items.find((d) => d.code === 110108);
  assert.equal(hd.name, '海淀区');
  assert.ok(hd.centre.lat > 39.8 && hd.centre.lat < 40.1);
  assert.equal((await L.req('GET', '/api/v1/regions?parent=999999')).status, 404);
});

test('D4: public statistics suppress every count below k, so no figure points at a few people', async () => {
  const res = await L.req('GET', '/api/v1/stats');
  assert.equal(res.status, 200);
  assert.equal(res.json.k, 10);
  // this server has one poster with a handful of listings per city and category: all below k
  assert.ok(res.json.cells.length > 0);
  for (const c of res.json.cells) {
    assert.equal(c.suppressed, true);
    assert.equal(c.listings, null);
    assert.equal(c.posters, null);
  }
  // twelve people posting one each lift one cell above k, and its counts appear
  for (let i = 0; i < 12; i++) {
    const p = await L.signIn(`1370000${String(100 + i).padStart(4, '0')}`);
    await L.req('POST', '/api/v1/listings', { token: p.token, body: { category: 'goods', title: `统计用物品${i}`, city: 1101,
      contact_phone: '13700000001', fields: { condition: '全新' } } });
  }
  const after = await L.req('GET', '/api/v1/stats');
  const cell = after.json.cells.find((c) => c.city.code === 1101 && c.category === 'goods');
  assert.deepEqual([cell.listings, cell.posters, cell.suppressed], [12, 12, false]);
  assert.ok(!after.text.includes('13700000'), 'no identifier in the statistics');
});
