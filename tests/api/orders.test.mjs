// orders.test.mjs — ordering a home service: idempotent creates, who moves each state, each party's view (C8, C3, E6, G4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { payOrder, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
let mod, merchant, customer, stranger;
const ADDRESS = '广州市天河区体育西路8号301室', PHONE = '13812345678';
const order = (t, body, headers = {}) => L.req('POST', '/api/v1/orders', { token: t.token, body, headers });
const view = (t, id) => L.req('GET', `/api/v1/orders/${id}`, { token: t.token });
const act = (t, id, a) => L.req('POST', `/api/v1/orders/${id}/${a}`, { token: t.token });
let body;

before(async () => {
  await L.start();
  mod = await staff(L, '13633330000', 'moderator');
  merchant = await merchantWith(L, '13633330001', mod, '天河好帮手', [
    { category: 'cleaning', title: '日常保洁 2小时', price: 12000 },
    { category: 'repair', title: '水电维修 上门', price: 5000 },
  ]);
  customer = await L.signIn('13633330002');
  stranger = await L.signIn('13633330003');
  body = { service_id: merchant.services[0], time: beijing(1, 10), district: 440106, address: ADDRESS, phone: PHONE };
});
after(async () => { await L.stop(); L.cleanup(); });

test('C8: an order is checked field by field; nothing is written on a fault', async () => {
  const cases = [
    [{ service_id: 999999 }, 422, 'service_id'],
    [{ time: 'tomorrow' }, 422, 'time'],
    [{ time: beijing(1, 22) }, 422, 'time', 'slot_unavailable'],
    [{ time: beijing(-1, 10) }, 422, 'time', 'slot_unavailable'],
    [{ district: 440105 }, 422, 'district', 'not_served'],
    [{ address: '天河' }, 422, 'address'],
    [{ phone: '12345' }, 422, 'phone'],
    [{ phone: 13812345678 }, 400, 'phone'],
    [{ note: 'hi' }, 400, 'note'],
  ];
  for (const [change, status, field, code] of cases) {
    const res = await order(customer, { ...body, ...change });
    assert.equal(res.status, status, `${field}: ${res.text}`);
    assert.equal(res.json.error.field, field, res.text);
    if (code) assert.equal(res.json.error.code, code);
  }
  const own = await order(merchant, body);
  assert.equal(own.json.error.code, 'own_service');
  assert.equal((await order(customer, body, { 'Idempotency-Key': 'bad key!' })).json.error.field, 'Idempotency-Key');
  assert.equal(L.sql('SELECT count(*) FROM orders'), '0');
});

test('C8: the customer\'s address and phone are sealed with the customer\'s key', async () => {
  const res = await order(customer, body);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'created');
  assert.equal(res.json.role, 'customer');
  assert.equal(res.json.address, ADDRESS);
  assert.equal(res.json.phone, PHONE);
  assert.equal(res.json.amount, 12000);
  assert.match(res.json.number, /^LL\d{18}$/);
  assert.equal(L.sql(`SELECT count(*) FROM orders WHERE instr(address, '体育西路') OR instr(phone, '${PHONE}')`), '0');
  assert.equal(L.sql(`SELECT customer_id FROM orders WHERE id = ${res.json.id}`), String(customer.user.id));
});

test('E6: the same Idempotency-Key and body give the same order; another body with that key is refused', async () => {
  const key = { 'Idempotency-Key': 'c0ffee-0001' };
  const first = await order(customer, body, key);
  assert.equal(first.status, 201);
  const again = await order(customer, body, key);
  assert.equal(again.status, 201);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  const count = L.sql('SELECT count(*) FROM orders');
  for (const change of [{ address: ADDRESS + '2' }, { phone: '13812345679' }, { time: beijing(2, 10) }, { service_id: merchant.services[1] }]) {
    const res = await order(customer, { ...body, ...change }, key);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.json.error.code, 'idempotency_key_reused');
  }
  assert.equal(L.sql('SELECT count(*) FROM orders'), count, 'nothing written');
  const theirs = await order(stranger, body, key);
  assert.notEqual(theirs.json.id, first.json.id, 'a key is per customer');
});

// One order walked through its states; after each move both parties look.
test('C8: each state\'s view: the merchant sees district and time, and the contact only from acceptance', async () => {
  const id = (await order(customer, body)).json.id;
  const look = async (status, contact) => {
    const m = await view(merchant, id), c = await view(customer, id);
    assert.equal(m.status, 200);
    assert.equal(m.json.status, status);
    assert.equal(m.json.role, 'merchant');
    assert.equal(m.json.district.name, '天河区');
    assert.equal(m.json.time, c.json.time);
    assert.equal(m.json.contact, contact, `${status}: merchant sees ${m.json.contact}`);
    if (contact === 'hidden') {
      assert.equal(m.json.address, null);
      assert.equal(m.json.phone, null);
      assert.ok(!m.text.includes('体育西路') && !m.text.includes('5678'), `${status}: ${m.text}`);
    } else if (contact === 'shown') {
      assert.equal(m.json.address, ADDRESS);
      assert.equal(m.json.phone, PHONE);
    } else {
      assert.equal(m.json.phone, '138****5678');
      assert.ok(!m.text.includes('体育西路8号'), m.text);
    }
    assert.equal(c.json.address, ADDRESS, 'the customer always sees their own');
  };
  await look('created', 'hidden');
  await payOrder(L, customer, id);
  await look('paid', 'hidden');
  const reveals = () => Number(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.contact_revealed' AND subject = ${customer.user.id}`));
  assert.equal(reveals(), 0);
  assert.equal((await act(merchant, id, 'accept')).json.status, 'accepted');
  await look('accepted', 'shown');
  assert.equal(reveals(), 1, 'each reveal audited');
  await act(merchant, id, 'start');
  await look('in_service', 'shown');
  await act(merchant, id, 'complete');
  await look('completed', 'shown');
  assert.equal(reveals(), 3);
  const shares = L.sql(`SELECT count(*) FROM shares WHERE user_id = ${customer.user.id} AND recipient LIKE '服务商家%' AND reference LIKE '%' || (SELECT number FROM orders WHERE id = ${id})`);
  assert.equal(shares, '1', 'the first reveal is recorded as one share to the merchant');
  const mine = await L.req('GET', '/api/v1/me/shares', { token: customer.token });
  assert.ok(mine.json.items.some((s) => s.recipient.includes('天河好帮手')), mine.text);
  const reads = await L.req('GET', '/api/v1/me/reads', { token: customer.token });
  assert.ok(reads.json.items.some((i) => i.event === 'order.contact_revealed' && i.detail.order === id));
  L.sql(`UPDATE orders SET completed_at = completed_at - 8 * 86400 WHERE id = ${id}`); // order_contact_days = 7 by default
  await look('completed', 'masked');
  assert.equal(reveals(), 3, 'a masked view is no reveal');
});

test('C8: cancelled and refunded orders show the merchant no contact', async () => {
  const a = (await order(customer, body)).json.id;
  assert.equal((await act(customer, a, 'cancel')).json.status, 'cancelled');
  assert.equal((await view(merchant, a)).json.contact, 'hidden');
  const b = (await order(customer, body)).json.id;
  await payOrder(L, customer, b);
  await act(merchant, b, 'accept');
  assert.equal((await act(customer, b, 'cancel')).json.status, 'refunded');
  const m = await view(merchant, b);
  assert.equal(m.json.contact, 'hidden');
  assert.ok(!m.text.includes('体育西路'));
});

test('E6: who moves each state: the wrong party gets 403, the wrong state 409, anyone else 404; nothing changes', async () => {
  const id = (await order(customer, body)).json.id;
  const state = () => L.sql(`SELECT status FROM orders WHERE id = ${id}`);
  const expect = async (t, a, status, code) => {
    const res = await act(t, id, a);
    assert.equal(res.status, status, `${a}: ${res.text}`);
    if (code) assert.equal(res.json.error.code, code);
  };
  await expect(merchant, 'accept', 409, 'order_wrong_state'); // not paid yet
  await expect(merchant, 'cancel', 403, 'order_wrong_party'); // only the customer withdraws an unpaid order
  for (const a of ['accept', 'start', 'complete', 'cancel', 'dispute']) await expect(stranger, a, 404, 'not_found');
  assert.equal((await view(stranger, id)).status, 404);
  assert.equal(state(), 'created');
  await payOrder(L, customer, id);
  await expect(customer, 'accept', 403, 'order_wrong_party');
  await expect(merchant, 'start', 409, 'order_wrong_state');
  await expect(merchant, 'accept', 200);
  await expect(customer, 'start', 403, 'order_wrong_party');
  await expect(merchant, 'complete', 409, 'order_wrong_state');
  await expect(merchant, 'start', 200);
  await expect(customer, 'cancel', 409, 'order_wrong_state'); // the service has begun: a dispute, not a cancellation
  await expect(merchant, 'dispute', 403, 'order_wrong_party');
  await expect(customer, 'dispute', 200);
  assert.equal(state(), 'disputed');
  assert.equal((await view(merchant, id)).json.contact, 'shown', 'E6: the merchant keeps the contact to settle the dispute');
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/teleport`, { token: customer.token })).status, 404);
});

test('C3: with personalisation off, two people with different order histories get the same services', async () => {
  const a = await L.signIn('13633330011'), b = await L.signIn('13633330012');
  await order(a, { ...body, service_id: merchant.services[1] }); // a ordered a repair
  await order(b, body); // b ordered cleaning
  const list = async (t) => (await L.req('GET', '/api/v1/services?district=440106', { token: t.token })).json;
  const la = await list(a), lb = await list(b);
  assert.equal(la.personalized, false);
  assert.deepEqual(la.items.map((s) => s.id), lb.items.map((s) => s.id));
  for (const t of [a, b]) await L.req('PUT', '/api/v1/me/consents', { token: t.token, body: { personalization: true } });
  const pa = await list(a), pb = await list(b);
  assert.equal(pa.personalized, true);
  assert.equal(pa.items[0].category, 'repair');
  assert.equal(pb.items[0].category, 'cleaning');
});

test('G4: a customer who cancels the account leaves the merchant only the transaction record', async () => {
  const leaver = await L.signIn('13633330021');
  const id = (await order(leaver, { ...body, address: '广州市越秀区注销路9号', phone: '13633330021' })).json.id;
  await payOrder(L, leaver, id);
  await act(merchant, id, 'accept');
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13633330021', purpose: 'cancel' } });
  const code = L.outbox().filter((m) => m.phone === '13633330021' && m.purpose === 'cancel').at(-1).code;
  const res = await L.req('DELETE', '/api/v1/me', { token: leaver.token, body: { code } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.kept.some((k) => k.table === 'orders'), res.text);
  const row = L.sql(`SELECT customer_id IS NULL, address IS NULL, phone IS NULL, district IS NULL, item, amount_fen FROM orders WHERE id = ${id}`);
  assert.equal(row, '1|1|1|1|日常保洁 2小时|12000');
  const m = await view(merchant, id);
  assert.equal(m.status, 200);
  assert.equal(m.json.address, null);
  assert.equal(m.json.phone, null);
});

test('E6/F2: an order\'s transaction record is kept 1095 days from its end (completion, cancellation), not from its creation', async () => {
  const done = (await order(customer, body)).json.id;
  await payOrder(L, customer, done);
  for (const a of ['accept', 'start', 'complete']) assert.equal((await act(merchant, done, a)).status, 200);
  const cancelled = (await order(customer, body)).json.id;
  assert.equal((await act(customer, cancelled, 'cancel')).json.status, 'cancelled');
  const abandoned = (await order(customer, body)).json.id;
  const col = (id, c) => L.sql(`SELECT ${c} FROM orders WHERE id = ${id}`);
  assert.equal(col(done, 'ended_at'), col(done, 'completed_at'));
  assert.equal(col(cancelled, 'ended_at'), col(cancelled, 'closed_at'));
  assert.equal(col(abandoned, 'ended_at'), col(abandoned, 'created_at'));
  const ids = `${done}, ${cancelled}, ${abandoned}`;
  const back = (days, which) => L.sql(`UPDATE orders SET ended_at = ended_at - ${days * 86400}, completed_at = completed_at - ${days * 86400}, `
    + `closed_at = closed_at - ${days * 86400} WHERE id IN (${which})`);
  // created 1200 days ago, ended 1000 days ago: kept; the abandoned order counts from its creation
  L.sql(`UPDATE orders SET created_at = created_at - ${1200 * 86400} WHERE id IN (${ids})`);
  back(1000, `${done}, ${cancelled}`);
  back(1200, abandoned);
  assert.equal(run(L.dir, 'retention', 'run').code, 0);
  const left = () => L.sql(`SELECT group_concat(id) FROM (SELECT id FROM orders WHERE id IN (${ids}) ORDER BY id)`);
  assert.equal(left(), `${done},${cancelled}`);
  back(96, `${done}, ${cancelled}`); // 1096 days after the end
  assert.equal(run(L.dir, 'retention', 'run').code, 0);
  assert.equal(left(), '');
  const policy = await L.req('GET', '/privacy');
  assert.ok(policy.text.includes('自订单完成（或取消、退款）之日起保存三年'), 'the published text says what the sweep does');
});
