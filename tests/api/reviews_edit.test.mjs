// reviews_edit.test.mjs — the reviewer changes a review within 30 days, or deletes it at any time with its photos
// and the merchant's reply (gone from the database files too); the service's rating follows; the merchant
// replies once (C9, G4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linli, multipartUpload } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { payOrder, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
const gps = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
let merchant, customer, stranger, body;

async function completedOrder() {
  const id = (await L.req('POST', '/api/v1/orders', { token: customer.token, body })).json.id;
  await payOrder(L, customer, id);
  for (const move of ['accept', 'start', 'complete'])
    assert.equal((await L.req('POST', `/api/v1/orders/${id}/${move}`, { token: merchant.token })).status, 200);
  return id;
}
async function reviewed(rating, text) {
  const id = await completedOrder();
  const res = await L.req('POST', `/api/v1/orders/${id}/review`, { token: customer.token, body: { rating, text } });
  assert.equal(res.status, 201, res.text);
  return { order: id, review: res.json.id };
}
const edit = (who, rid, b) => L.req('PATCH', `/api/v1/reviews/${rid}`, { token: who.token, body: b });
const del = (who, rid) => L.req('DELETE', `/api/v1/reviews/${rid}`, { token: who.token });
const rating = () => L.sql(`SELECT rating_sum || '/' || rating_count FROM services WHERE id = ${merchant.services[0]}`);
const shown = async (rid) => (await L.req('GET', `/api/v1/services/${merchant.services[0]}/reviews?limit=50`)).json.items.find((r) => r.id === rid);

before(async () => {
  await L.start();
  const mod = await staff(L, '13788870000', 'moderator');
  merchant = await merchantWith(L, '13788870001', mod, '番禺好家政', [{ category: 'cleaning', title: '深度保洁 3小时', price: 9000 }]);
  customer = await L.signIn('13788870002');
  stranger = await L.signIn('13788870003');
  body = { service_id: merchant.services[0], time: beijing(2, 10), district: 440106, address: '广州市天河区评价路10号', phone: '13788879999' };
});
after(async () => { await L.stop(); L.cleanup(); });

test('C9: the reviewer changes rating and text within 30 days; the rating follows; anyone else gets 404', async () => {
  const { review: rid } = await reviewed(2, '迟到了半小时');
  assert.equal(rating(), '2/1');
  for (const who of [merchant, stranger]) assert.equal((await edit(who, rid, { rating: 5 })).status, 404);
  assert.equal((await edit(customer, 999999, { rating: 5 })).status, 404);
  for (const [b, status, field] of [[{ rating: 0 }, 422, 'rating'], [{ rating: 6 }, 422, 'rating'], [{ text: '' }, 422, 'text'],
    [{ text: 'x'.repeat(501) }, 422, 'text'], [{ reply: '改' }, 400, 'reply']]) {
    const res = await edit(customer, rid, b);
    assert.equal(res.status, status, `${JSON.stringify(b).slice(0, 40)}: ${res.text}`);
    assert.equal(res.json.error.field, field);
  }
  assert.equal(rating(), '2/1', 'nothing changed by a refusal');
  const res = await edit(customer, rid, { rating: 4, text: '虽然迟到，但打扫得很认真' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.rating, 4);
  assert.equal(res.json.text, '虽然迟到，但打扫得很认真');
  assert.ok(res.json.edited_at);
  assert.equal(rating(), '4/1', 'the service\'s rating follows the edit');
  assert.equal((await shown(rid)).text, '虽然迟到，但打扫得很认真');
  assert.equal(L.sql("SELECT count(*) FROM reviews WHERE instr(CAST(body AS TEXT), '认真') > 0"), '0', 'sealed as before');
  assert.equal((await edit(customer, rid, { rating: 3 })).json.text, '虽然迟到，但打扫得很认真', 'the text stays when only the rating changes');
  L.sql(`UPDATE reviews SET created_at = created_at - 31 * 86400 WHERE id = ${rid}`);
  const late = await edit(customer, rid, { rating: 1 });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error.code, 'review_locked');
  assert.equal(rating(), '3/1');
});

test('C9: the merchant replies once; the reviewer deletes the review at any time with its photos and reply, gone from disk', async () => {
  const before = rating();
  const { order, review: rid } = await reviewed(5, '非常满意，下次还约');
  const photo = await L.req('POST', `/api/v1/orders/${order}/review/photos`, { token: customer.token, ...multipartUpload('photo', gps, 'IMG_1.jpg', 'image/jpeg') });
  assert.equal(photo.status, 201, photo.text);
  const url = photo.json.photos[0];
  assert.equal((await L.req('GET', url)).status, 200);
  assert.equal((await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '感谢支持' } })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '再次感谢' } })).status, 409, 'once');
  // a piece of the stored (sealed) photo, to look for in the database files afterwards
  const piece = Buffer.from(L.sql(`SELECT hex(substr(photo, 200, 64)) FROM review_photos WHERE review_id = ${rid}`), 'hex');
  assert.equal(piece.length, 64);
  const onDisk = () => ['linli.db', 'linli.db-wal'].filter((f) => { try { return readFileSync(join(L.dir, f)).includes(piece); } catch { return false; } });
  assert.ok(onDisk().length > 0, 'the probe finds the photo on disk before the deletion');
  for (const who of [merchant, stranger]) assert.equal((await del(who, rid)).status, 404);
  assert.equal(L.sql(`SELECT count(*) FROM reviews WHERE id = ${rid}`), '1', 'nothing deleted by a refusal');
  L.sql(`UPDATE reviews SET created_at = created_at - 400 * 86400 WHERE id = ${rid}`); // deleting is never too late
  const res = await del(customer, rid);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'deleted');
  assert.equal(L.sql(`SELECT count(*) FROM reviews WHERE id = ${rid}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM review_photos WHERE review_id = ${rid}`), '0', 'the photos went with it');
  assert.equal((await L.req('GET', url)).status, 404);
  assert.equal(await shown(rid), undefined);
  assert.equal(rating(), before, 'the rating no longer counts it');
  assert.equal((await L.req('GET', `/api/v1/orders/${order}/review`, { token: customer.token })).status, 404);
  const again = await L.req('POST', `/api/v1/orders/${order}/review`, { token: customer.token, body: { rating: 1, text: '再评' } });
  assert.equal(again.status, 409, 'the order stays reviewed: one review per order');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'review.deleted' AND actor = ${customer.user.id}`), '1');
  assert.equal((await del(customer, rid)).status, 404, 'deleted once');
  L.sql('PRAGMA wal_checkpoint(TRUNCATE)');
  assert.deepEqual(onDisk(), [], 'no database file still holds the deleted photo\'s bytes');
});
