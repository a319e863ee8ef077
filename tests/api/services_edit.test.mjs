// services_edit.test.mjs — a merchant edits, pauses and resumes a service and limits its orders per slot; parallel
// orders never overbook; nearby search reads the R*Tree of reach boxes (JX, C8, B9).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from './lib.mjs';
import { beijing, merchantWith, staff, allWeek } from './hs.mjs';

const L = new Linli({ sms_per_ip_hour: 1000 });
let mod, merchant, other, customers;
const patch = (who, id, body) => L.req('PATCH', `/api/v1/services/${id}`, { token: who.token, body });
const get = (who, id) => L.req('GET', `/api/v1/services/${id}`, { token: who?.token });
const order = (who, id, time, headers = {}) => L.req('POST', '/api/v1/orders', { token: who.token, headers,
  body: { service_id: id, time, district: 440106, address: '广州市天河区体育东路20号', phone: '13812340000' } });
const ids = (res) => res.json.items.map((i) => i.id);

before(async () => {
  await L.start();
  mod = await staff(L, '13644440000', 'moderator');
  merchant = await merchantWith(L, '13644440001', mod, '天河家政', [
    { category: 'cleaning', title: '日常保洁 2小时', price: 10000 },
    { category: 'repair', title: '家电维修 上门', price: 8000, capacity: 2 },
    { category: 'moving', title: '小型搬家', price: 30000, capacity: 3 },
  ]);
  other = await merchantWith(L, '13644440002', mod, '越秀维修', [{ category: 'repair', title: '水管维修', price: 6000 }]);
  customers = [];
  for (let i = 0; i < 4; i++) customers.push(await L.signIn(`1364444001${i}`));
});
after(async () => { await L.stop(); L.cleanup(); });

test('JX: the merchant edits price, description, slots and capacity; others get 404 and nothing changes', async () => {
  const id = merchant.services[0];
  const before = await order(customers[0], id, beijing(1, 10));
  assert.equal(before.json.amount, 10000);
  const slots = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }, { days: [6, 7], from: '10:00', to: '16:00' }];
  const res = await patch(merchant, id, { price: 12500, description: '自带工具，含厨房油烟机', slots, capacity: 5 });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.price, 12500);
  assert.equal(res.json.description, '自带工具，含厨房油烟机');
  assert.deepEqual(res.json.slots, slots);
  assert.equal(res.json.capacity, 5);
  assert.equal((await get(customers[1], id)).json.price, 12500);
  const after = await order(customers[0], id, beijing(2, 11));
  assert.equal(after.json.amount, 12500, 'a new order takes the new price');
  assert.equal(L.sql(`SELECT amount_fen FROM orders WHERE id = ${before.json.id}`), '10000', 'an earlier order keeps its price');
  const unlimited = await patch(merchant, id, { capacity: null });
  assert.equal(unlimited.json.capacity, null);
  const snapshot = L.sql(`SELECT price_fen || '|' || description || '|' || slots || '|' || status FROM services WHERE id = ${id}`);
  for (const who of [other, customers[1]]) {
    const r = await patch(who, id, { price: 1 });
    assert.equal(r.status, 404, 'someone else\'s service is no service');
  }
  assert.equal((await patch(merchant, 999999, { price: 1 })).status, 404);
  for (const [body, status, field] of [[{ price: 0 }, 422, 'price'], [{ price: -5 }, 422, 'price'], [{ price: '100' }, 400, 'price'],
    [{ slots: [] }, 422, 'slots'], [{ slots: [{ days: [8], from: '09:00', to: '10:00' }] }, 422, 'slots'],
    [{ status: 'closed' }, 422, 'status'], [{ capacity: 0 }, 422, 'capacity'], [{ capacity: 101 }, 422, 'capacity'],
    [{ description: 'x'.repeat(1001) }, 422, 'description'], [{ title: '新标题' }, 400, 'title']]) {
    const r = await patch(merchant, id, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal(L.sql(`SELECT price_fen || '|' || description || '|' || slots || '|' || status FROM services WHERE id = ${id}`), snapshot,
    'nothing written by a refusal');
});

test('JX: a paused service is found by nobody and takes no orders; its merchant still sees it; resumed, it is back', async () => {
  const id = merchant.services[0];
  const found = async () => {
    const lists = [await L.req('GET', '/api/v1/services?district=440106'), await L.req('GET', '/api/v1/services?city=4401&category=cleaning'),
      await L.req('GET', '/api/v1/services?near=23.13,113.32&radius_km=20'), await L.req('GET', `/api/v1/services?city=4401&q=${encodeURIComponent('保洁')}`)];
    return lists.map((r) => ids(r).includes(id));
  };
  assert.deepEqual(await found(), [true, true, true, true]);
  const paused = await patch(merchant, id, { status: 'paused' });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.json.status, 'paused');
  assert.deepEqual(await found(), [false, false, false, false]);
  assert.equal((await get(customers[1], id)).status, 404);
  assert.equal((await get(null, id)).status, 404);
  assert.equal((await get(merchant, id)).json.status, 'paused', 'the merchant still sees it');
  const count = L.sql('SELECT count(*) FROM orders');
  const refused = await order(customers[1], id, beijing(3, 10));
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.error.field, 'service_id');
  assert.equal(L.sql('SELECT count(*) FROM orders'), count, 'no order taken');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'service.changed' AND detail LIKE '%"service":${id},"status":"paused"%'`), '1');
  assert.equal((await patch(merchant, id, { status: 'active' })).json.status, 'active');
  assert.deepEqual(await found(), [true, true, true, true]);
  assert.equal((await order(customers[1], id, beijing(3, 10))).status, 201);
});

test('JX: a full slot answers 409 slot_full with a clear message; another slot, or a cancelled order, makes room', async () => {
  const id = merchant.services[1]; // capacity 2 per slot: 08:00–20:00 each day
  assert.equal((await get(customers[0], id)).json.capacity, 2);
  assert.equal((await order(customers[0], id, beijing(4, 9))).status, 201);
  const second = await order(customers[1], id, beijing(4, 15));
  assert.equal(second.status, 201, 'another time in the same window counts against the same slot');
  const full = await order(customers[2], id, beijing(4, 11));
  assert.equal(full.status, 409, full.text);
  assert.equal(full.json.error.code, 'slot_full');
  assert.equal(full.json.error.field, 'time');
  assert.match(full.json.error.message, /约满/);
  assert.equal((await order(customers[2], id, beijing(5, 11))).status, 201, 'the next day has room');
  assert.equal((await L.req('POST', `/api/v1/orders/${second.json.id}/cancel`, { token: customers[1].token })).json.status, 'cancelled');
  assert.equal((await order(customers[2], id, beijing(4, 11))).status, 201, 'a cancelled order frees its place');
  const replay = await order(customers[3], id, beijing(6, 10), { 'Idempotency-Key': 'cap-1' });
  assert.equal(replay.status, 201);
  assert.equal((await order(customers[3], id, beijing(6, 10), { 'Idempotency-Key': 'cap-1' })).status, 201, 'a replay takes no second place');
  assert.equal(L.sql(`SELECT count(*) FROM orders WHERE service_id = ${id} AND status <> 'cancelled'`), '4');
});

test('JX: parallel orders for one slot never overbook it', async () => {
  const id = merchant.services[2]; // capacity 3
  const time = beijing(7, 10);
  const all = await Promise.all(Array.from({ length: 16 }, (_, i) => order(customers[i % 4], id, time)));
  const statuses = all.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 3, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 13, statuses.join(','));
  assert.ok(all.filter((r) => r.status === 409).every((r) => r.json.error.code === 'slot_full'));
  assert.equal(L.sql(`SELECT count(*) FROM orders WHERE service_id = ${id}`), '3');
});

test('B9: nearby search reads each service\'s reach box from the R*Tree; the exact distance decides', async () => {
  // a circle of 3 km whose centre is 0.072° (8.0 km) north of the search point: 5.0 km from the point to its edge
  const res = await L.req('POST', '/api/v1/services', { token: other.token, body: { category: 'repair', title: '空调清洗 上门',
    description: '', price: 9900, unit: '次', city: 4401, area: { centre: { lat: 23.202, lng: 113.32 }, radius_km: 3 }, slots: allWeek } });
  assert.equal(res.status, 201, res.text);
  const id = res.json.id;
  assert.equal(L.sql(`SELECT count(*) FROM services_geo WHERE id = ${id} AND min_lat < 23.202 AND max_lat > 23.202 AND min_lng < 113.32 AND max_lng > 113.32`), '1');
  assert.equal(L.sql('SELECT count(*) FROM services_geo'), L.sql('SELECT count(*) FROM services'), 'every service in the index');
  const near = async (r) => ids(await L.req('GET', `/api/v1/services?near=23.130,113.320&radius_km=${r}`)).includes(id);
  assert.equal(await near(5.5), true);
  assert.equal(await near(4.5), false);
  const hit = (await L.req('GET', '/api/v1/services?near=23.130,113.320&radius_km=5.5')).json.items.find((i) => i.id === id);
  assert.ok(Math.abs(hit.distance_km - 5.0) <= 0.1, String(hit.distance_km));
  assert.equal((await L.req('GET', '/api/v1/services?near=39.90,116.40&radius_km=50')).json.items.length, 0, 'nothing of Guangzhou from Beijing');
  L.sql(`DELETE FROM services WHERE id = ${id}`);
  assert.equal(L.sql(`SELECT count(*) FROM services_geo WHERE id = ${id}`), '0', 'the box goes with the service');
});
