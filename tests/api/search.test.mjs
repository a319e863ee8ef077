// search.test.mjs — finding listings by Chinese keyword, filters, near a point; history (B8, B9, B10, G2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  assert.deepEqual(L.columnsHolding(points.flatMap((p) => p.split(',')), 0.001), []);
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

// Search results come from cards rendered when a listing is published or changes (listing_index.h); a
// price filter takes the rows path. Both must say the same thing, and the card must follow every change.
test('B8/B11: a result read from its card equals the same result rendered from the row, through edits and photos', async () => {
  const body = { ...base, category: 'goods', subcategory: 'digital', title: '卡片测试 旧标题', price: 1200, fields: { condition: '九成新' } };
  const made = await L.req('POST', '/api/v1/listings', { token: poster.token, body });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const both = async () => {
    const card = (await find('q=卡片测试&city=1101&category=goods')).items.find((i) => i.id === id);
    const row = (await find('q=卡片测试&city=1101&category=goods&price_max=99999999')).items.find((i) => i.id === id);
    const browse = (await find('city=1101&category=goods')).items.find((i) => i.id === id);
    assert.deepEqual(card, row);
    assert.deepEqual(browse, row);
    return card;
  };
  assert.equal((await both()).title, '卡片测试 旧标题');
  const patch = await L.req('PATCH', `/api/v1/listings/${id}`, { token: poster.token, body: { title: '卡片测试 新标题', price: 900 } });
  assert.equal(patch.status, 200, patch.text);
  let now = await both();
  assert.equal(now.title, '卡片测试 新标题');
  assert.equal(now.price, 900);
  assert.equal(now.thumbnail, null);
  const form = new FormData();
  const jpeg = readFileSync(new URL('../data/photos/cmyk.jpg', import.meta.url));
  form.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'a.jpg');
  const up = await L.req('POST', `/api/v1/listings/${id}/photos`, { token: poster.token, raw: form });
  assert.equal(up.status, 201, up.text);
  now = await both();
  assert.equal(now.thumbnail, up.json.thumbnail, 'the first photo becomes the card thumbnail');
  // signed out, the detail is the rendered card; signed in, it is built from the row: the same view
  const anon = await L.req('GET', `/api/v1/listings/${id}`);
  const signed = await L.req('GET', `/api/v1/listings/${id}`, { token: searcher.token });
  assert.equal(anon.status, 200, anon.text);
  assert.deepEqual(anon.json, signed.json);
  assert.equal(anon.json.contact.phone, '137****0001');
  assert.equal(anon.json.photos[0].thumbnail, up.json.thumbnail);
  const del = await L.req('DELETE', `/api/v1/listings/${id}/photos/${up.json.id}`, { token: poster.token });
  assert.equal(del.status, 200, del.text);
  assert.equal((await both()).thumbnail, null);
  assert.equal((await L.req('DELETE', `/api/v1/listings/${id}`, { token: poster.token })).status, 200);
  assert.equal((await find('q=卡片测试')).items.length, 0);
  assert.equal(Number(L.sql(`SELECT count(*) FROM listing_cards WHERE id = ${id}`)), 0, 'the card goes with the listing');
});

test('B8: a listing expired but not yet swept neither shows nor ends the paging early', async () => {
  const made = [];
  for (const t of ['过期测试 一', '过期测试 二', '过期测试 三']) {
    const r = await L.req('POST', '/api/v1/listings', { token: poster.token, body: { ...base, category: 'goods', title: t, price: 100, fields: { condition: '全新' } } });
    assert.equal(r.status, 201, r.text);
    made.push(r.json.id);
  }
  L.sql(`UPDATE listings SET expires_at = 1 WHERE id = ${made[1]}; UPDATE listing_cards SET expires_at = 1 WHERE id = ${made[1]}`);
  for (const qs of ['q=过期测试', 'q=过期测试&price_max=999999999', 'city=1101&category=goods']) {
    const seen = [];
    let cursor = null;
    do {
      const page = await find(`${qs}&limit=1&sort=newest${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.id).filter((id) => made.includes(id)));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [made[2], made[0]], qs);
  }
});

// The shared in-memory copies of cards (store/viewcache.h; details are read by key) are used only while their city's view epoch
// is unchanged, whoever changed the card: this server, or another process writing the database (here the sqlite3
// tool, as an operator's script or a second linli would).
test('B8, B12: cached cards and details follow every change to them, even from another process', async () => {
  const body = { ...base, category: 'goods', subcategory: 'digital', title: '缓存测试 旧标题', price: 100, fields: { condition: '九成新' } };
  const made = await L.req('POST', '/api/v1/listings', { token: poster.token, body });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const titleIn = async () => (await find('q=缓存测试&city=1101&category=goods')).items.map((i) => i.title);
  const detail = async () => L.req('GET', `/api/v1/listings/${id}`);
  for (let i = 0; i < 3; i++) { // the first read fills the copies, the next ones are served from them
    assert.deepEqual(await titleIn(), ['缓存测试 旧标题']);
    assert.equal((await detail()).json.title, '缓存测试 旧标题');
  }
  // an edit through the API
  const edit = await L.req('PATCH', `/api/v1/listings/${id}`, { token: poster.token, body: { title: '缓存测试 新标题' } });
  assert.equal(edit.status, 200, edit.text);
  assert.deepEqual(await titleIn(), ['缓存测试 新标题']);
  assert.equal((await detail()).json.title, '缓存测试 新标题');
  // another process rewrites the rendered views behind the server's back
  L.sql(`UPDATE listing_cards SET card = replace(card, '新标题', '外部改'), detail = replace(detail, '新标题', '外部改') WHERE id = ${id}`);
  assert.deepEqual(await titleIn(), ['缓存测试 外部改']);
  assert.equal((await detail()).json.title, '缓存测试 外部改');
  // and takes the listing down: gone from search and detail at once, though the copies held it a moment ago
  L.sql(`UPDATE listings SET status = 'removed' WHERE id = ${id}; DELETE FROM listing_cards WHERE id = ${id}`);
  assert.deepEqual(await titleIn(), []);
  assert.equal((await detail()).status, 404);
});
