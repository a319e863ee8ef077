// reviews.test.mjs — reviews of completed orders (C9): one per order by its customer, photos stripped of all
// metadata (B11), public on the service with the reviewer's name masked, one reply by the merchant; export (G5)
// and erasure (G4) through the declarations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linli, multipartUpload } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { payOrder, SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY });
const gps = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
let merchant, customer, stranger, body;

// An order of the customer's, moved by the merchant up to `upto` (created, paid, accepted, in_service, completed).
async function orderAt(upto, who = customer) {
  const id = (await L.req('POST', '/api/v1/orders', { token: who.token, body })).json.id;
  if (upto === 'created') return id;
  await payOrder(L, who, id);
  for (const [move, state] of [['accept', 'accepted'], ['start', 'in_service'], ['complete', 'completed']]) {
    if (upto === 'paid') break;
    assert.equal((await L.req('POST', `/api/v1/orders/${id}/${move}`, { token: merchant.token })).status, 200);
    if (upto === state) break;
  }
  return id;
}
const review = (id, b, who = customer) => L.req('POST', `/api/v1/orders/${id}/review`, { token: who.token, body: b });
const addPhoto = (id, bytes = gps, who = customer) => L.req('POST', `/api/v1/orders/${id}/review/photos`, { token: who.token, ...multipartUpload('photo', bytes, 'IMG_1.jpg', 'image/jpeg') });
const rating = () => L.sql(`SELECT rating_sum || '/' || rating_count FROM services WHERE id = ${merchant.services[0]}`);
const reviewRows = () => L.sql('SELECT count(*) FROM reviews') + '+' + L.sql('SELECT count(*) FROM review_photos');

function assertNoMetadata(buf, what) {
  assert.ok(buf[0] === 0xff && buf[1] === 0xd8, `${what} is a JPEG`);
  for (const s of ['Exif', 'GPS', 'http://ns.adobe.com/xap', 'Zhang San', 'LinliTestCam']) assert.ok(!buf.includes(s), `${what} contains ${s}`);
  for (let i = 2; i + 4 <= buf.length;) { // every segment before the scan: no APP1 (EXIF/XMP), APP13 (IPTC), COM
    const m = buf[i + 1];
    if (m === 0xda) break;
    assert.ok(![0xe1, 0xed, 0xfe].includes(m), `${what} has segment ${m.toString(16)}`);
    i += 2 + buf.readUInt16BE(i + 2);
  }
}

before(async () => {
  await L.start();
  const mod = await staff(L, '13788880000', 'moderator');
  merchant = await merchantWith(L, '13788880001', mod, '海珠好家政', [{ category: 'cleaning', title: '日常保洁 2小时', price: 6000 }]);
  customer = await L.signIn('13788880002');
  stranger = await L.signIn('13788880003');
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: customer.token, body: { nickname: '王小明' } })).status, 200);
  body = { service_id: merchant.services[0], time: beijing(2, 10), district: 440106, address: '广州市天河区评价路9号', phone: '13788889999' };
});
after(async () => { await L.stop(); L.cleanup(); });

test('C9: the customer reviews a completed order once; the order becomes reviewed and the rating counts it', async () => {
  const id = await orderAt('completed');
  const before = rating();
  const res = await review(id, { rating: 4, text: '准时上门，打扫得很干净。' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.rating, 4);
  assert.equal(res.json.text, '准时上门，打扫得很干净。');
  assert.equal(res.json.reviewer, '王**');
  assert.equal(res.json.reply, null);
  assert.equal((await L.req('GET', `/api/v1/orders/${id}`, { token: customer.token })).json.status, 'reviewed');
  const [sum, count] = before.split('/').map(Number);
  assert.equal(rating(), `${sum + 4}/${count + 1}`);
  const again = await review(id, { rating: 1, text: '再评一次' });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'review_exists');
  assert.equal(rating(), `${sum + 4}/${count + 1}`, 'the second review changed nothing');
  assert.equal(L.sql(`SELECT count(*) FROM reviews WHERE order_id = ${id}`), '1');
  // sealed with the customer's key: the text is not in the row
  assert.equal(L.sql("SELECT count(*) FROM reviews WHERE CAST(body AS TEXT) LIKE '%打扫%'"), '0');
  const seen = await L.req('GET', `/api/v1/orders/${id}/review`, { token: merchant.token });
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.text, '准时上门，打扫得很干净。');
  assert.equal((await L.req('GET', `/api/v1/orders/${id}/review`, { token: stranger.token })).status, 404);
});

test('C9: only the customer of a completed order reviews; faults name the field; nothing is written on a refusal', async () => {
  const rows = reviewRows(), r0 = rating();
  const done = await orderAt('completed');
  const ok = { rating: 5, text: '很好' };
  let res = await review(done, ok, stranger);
  assert.equal(res.status, 404, 'not a party: no such order');
  assert.equal(res.json.error.code, 'not_found');
  res = await review(done, ok, merchant);
  assert.equal(res.status, 403, 'the merchant is a party, but reviewing is the customer\'s move');
  assert.equal(res.json.error.code, 'order_wrong_party');
  for (const upto of ['created', 'paid', 'in_service']) {
    const id = await orderAt(upto);
    res = await review(id, ok);
    assert.equal(res.status, 409, `${upto}: ${res.text}`);
    assert.equal(res.json.error.code, 'order_wrong_state');
  }
  for (const [b, field, status] of [[{ rating: 0, text: '好' }, 'rating', 422], [{ rating: 6, text: '好' }, 'rating', 422],
    [{ rating: 3, text: '' }, 'text', 422], [{ rating: 3, text: '长'.repeat(501) }, 'text', 422], [{ rating: 3, text: 'a\u0001b' }, 'text', 422],
    [{ text: '好' }, 'rating', 400], [{ rating: '5', text: '好' }, 'rating', 400], [{ rating: 3 }, 'text', 400]]) {
    res = await review(done, b);
    assert.equal(res.status, status, `${JSON.stringify(b)}: ${res.text}`);
    assert.equal(res.json.error.field, field, JSON.stringify(b));
  }
  assert.equal((await review(done, { rating: 3, text: '长'.repeat(500) })).status, 201, '500 characters are allowed');
  assert.equal(reviewRows(), `${Number(rows.split('+')[0]) + 1}+${rows.split('+')[1]}`);
  assert.equal(rating().split('/')[1], String(Number(r0.split('/')[1]) + 1));
  assert.equal((await review(999999, ok)).status, 404);
});

test('C9/B11: a GPS-tagged review photo is stored and served without any metadata; at most 9, only by the reviewer', async () => {
  for (const s of ['Exif', 'GPS', 'Zhang San']) assert.ok(gps.includes(s), `the fixture carries ${s}`);
  const id = await orderAt('completed');
  assert.equal((await addPhoto(id)).status, 404, 'no review yet');
  assert.equal((await review(id, { rating: 5, text: '带照片的评价' })).status, 201);
  const up = await addPhoto(id);
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.photos.length, 1);
  const url = up.json.photos[0];
  assert.match(url, /^\/api\/v1\/reviews\/\d+\/photos\/\d+$/);
  const got = await fetch(L.base + url); // anyone: the review is public
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  const served = Buffer.from(await got.arrayBuffer());
  assertNoMetadata(served, 'the served photo');
  // stored: sealed (no JPEG in the row), and what it opens to is the clean image (the export shows the stored bytes)
  assert.equal(L.sql(`SELECT hex(substr(photo, 1, 2)) = 'FFD8' FROM review_photos ORDER BY id DESC LIMIT 1`), '0');
  const exp = await L.req('GET', '/api/v1/me/data', { token: customer.token });
  const field = exp.json.categories.flatMap((c) => c.fields).find((f) => f.field === 'review_photos.photo');
  const stored = field.values.map((v) => Buffer.from(v.data, 'base64'));
  assert.ok(stored.some((b) => b.equals(served)), 'the served bytes are the stored ones');
  for (const b of stored) assertNoMetadata(b, 'a stored photo');
  // others cannot add; bad content is refused by type; the limit holds
  assert.equal((await addPhoto(id, gps, stranger)).status, 404);
  assert.equal((await addPhoto(id, gps, merchant)).status, 403);
  const bad = await addPhoto(id, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
  assert.equal(bad.status, 415, bad.text);
  for (let i = 1; i < 9; i++) assert.equal((await addPhoto(id)).status, 201);
  const tenth = await addPhoto(id);
  assert.equal(tenth.status, 409);
  assert.equal(tenth.json.error.code, 'too_many_photos');
  const rid = url.split('/')[4];
  assert.equal(L.sql(`SELECT count(*) FROM review_photos WHERE review_id = ${rid}`), '9');
  assert.equal((await fetch(`${L.base}/api/v1/reviews/${rid}/photos/999999`)).status, 404);
});

test('C9: reviews are public on the service, newest first, paged, the reviewer\'s nickname masked', async () => {
  const plain = await L.signIn('13788880004'); // no nickname
  const a = await orderAt('completed', plain);
  assert.equal((await review(a, { rating: 2, text: '来晚了' }, plain)).status, 201);
  const all = [];
  let cursor = null, pages = 0;
  do {
    const res = await L.req('GET', `/api/v1/services/${merchant.services[0]}/reviews?limit=2${cursor ? `&before=${cursor}` : ''}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.items.length <= 2);
    all.push(...res.json.items);
    cursor = res.json.next_cursor;
    pages++;
  } while (cursor);
  assert.ok(pages >= 2);
  assert.equal(all.length, Number(L.sql(`SELECT count(*) FROM reviews WHERE service_id = ${merchant.services[0]}`)));
  assert.deepEqual(all.map((r) => r.id), [...all.map((r) => r.id)].sort((x, y) => y - x), 'newest first');
  assert.equal(all[0].reviewer, '邻里用户');
  assert.equal(all[0].text, '来晚了');
  for (const r of all.slice(1)) assert.equal(r.reviewer, '王**');
  const text = JSON.stringify(all);
  for (const r of all) assert.deepEqual(Object.keys(r).sort(), ['created_at', 'edited_at', 'id', 'photos', 'rating', 'reply', 'reviewer', 'service_id', 'text']);
  for (const secret of ['王小明', '13788880002', '13788880004', '评价路', '13788889999']) assert.ok(!text.includes(secret), secret);
  const svc = await L.req('GET', `/api/v1/services/${merchant.services[0]}`);
  assert.equal(svc.json.rating_count, all.length);
  for (const q of ['limit=0', 'limit=51', 'before=x', 'before=-1']) {
    const res = await L.req('GET', `/api/v1/services/${merchant.services[0]}/reviews?${q}`);
    assert.equal(res.status, 422, q);
  }
  assert.equal((await L.req('GET', '/api/v1/services/999999/reviews')).status, 404);
});

test('C9: the merchant replies once; a second reply is 409; anyone else 404', async () => {
  const id = await orderAt('completed');
  const rid = (await review(id, { rating: 5, text: '师傅很专业' })).json.id;
  for (const who of [customer, stranger]) {
    const res = await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: who.token, body: { text: '谢谢' } });
    assert.equal(res.status, 404, res.text);
  }
  assert.equal((await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '' } })).json.error.field, 'text');
  const res = await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '感谢您的认可！' } });
  assert.equal(res.status, 200, res.text);
  const again = await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '再回复' } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'review_replied');
  const list = await L.req('GET', `/api/v1/services/${merchant.services[0]}/reviews?limit=50`);
  const shown = list.json.items.find((r) => r.id === rid);
  assert.equal(shown.reply.text, '感谢您的认可！');
  assert.ok(shown.reply.at);
  assert.equal((await L.req('POST', '/api/v1/reviews/999999/reply', { token: merchant.token, body: { text: '谢谢' } })).status, 404);
});

test('G4/G5: a reviewer\'s reviews, replies and photos are in the export and leave with the account; the rating follows', async () => {
  const leaver = await L.signIn('13788880005');
  const id = await orderAt('completed', leaver);
  const rid = (await review(id, { rating: 1, text: '注销前的评价' }, leaver)).json.id;
  assert.equal((await addPhoto(id, gps, leaver)).status, 201);
  assert.equal((await L.req('POST', `/api/v1/reviews/${rid}/reply`, { token: merchant.token, body: { text: '注销前的回复' } })).status, 200);
  const exp = await L.req('GET', '/api/v1/me/data', { token: leaver.token });
  const values = (name) => exp.json.categories.flatMap((c) => c.fields).find((f) => f.field === name).values;
  assert.deepEqual(values('reviews.body'), ['注销前的评价']);
  assert.deepEqual(values('reviews.reply'), ['注销前的回复']);
  assert.deepEqual(values('reviews.rating'), [1]);
  assert.equal(values('review_photos.photo').length, 1);
  const before = rating().split('/').map(Number);
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13788880005', purpose: 'cancel' } })).status, 202);
  const code = L.outbox().filter((m) => m.phone === '13788880005' && m.purpose === 'cancel').at(-1).code;
  const res = await L.req('DELETE', '/api/v1/me', { token: leaver.token, body: { code } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.erased.some((e) => e.table === 'reviews' && e.rows === 1), res.text);
  assert.ok(res.json.erased.some((e) => e.table === 'review_photos' && e.rows === 1), res.text);
  assert.equal(L.sql(`SELECT count(*) FROM reviews WHERE id = ${rid}`) + L.sql(`SELECT count(*) FROM review_photos WHERE review_id = ${rid}`), '00');
  assert.equal(rating(), `${before[0] - 1}/${before[1] - 1}`);
  const list = await L.req('GET', `/api/v1/services/${merchant.services[0]}/reviews?limit=50`);
  assert.ok(!list.json.items.some((r) => r.id === rid));
  assert.equal(L.sql(`SELECT status FROM orders WHERE id = ${id}`), 'reviewed', 'the transaction record stays');
});
