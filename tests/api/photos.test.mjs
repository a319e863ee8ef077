// photos.test.mjs — listing photos: upload, metadata stripped, serving, hostile uploads, deletion (B11).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Linli } from './lib.mjs';

const FIXTURES = new URL('../data/photos/', import.meta.url).pathname;
const fixture = (name) => readFileSync(join(FIXTURES, name));

const L = new Linli({ max_upload_kb: 128 });
let owner, other;
const NAME = /^\/photos\/([0-9a-f]{32})\.jpg$/;
const listingBody = {
  category: 'goods', subcategory: 'digital', title: '九成新手机', description: '自用', price: 100000,
  city: 1101, district: 110108, contact_phone: '13800138000', fields: { condition: '九成新' },
};

before(async () => {
  await L.start();
  owner = await L.signIn('13700001101');
  other = await L.signIn('13700001102');
});
after(async () => { await L.stop(); L.cleanup(); });

const photoDir = () => join(L.dir, 'photos');
const filesOnDisk = () => (existsSync(photoDir()) ? readdirSync(photoDir()).sort() : []);
const rows = () => Number(L.sql('SELECT count(*) FROM listing_photos'));

async function newListing(token = owner.token) {
  const res = await L.req('POST', '/api/v1/listings', { token, body: listingBody });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

// A multipart/form-data body built by hand, so tests control every byte.
function multipart(parts, { boundary = '----LinliTest7MA4YWxkTrZu0gW', close = true } = {}) {
  const chunks = [];
  for (const p of parts) {
    const file = p.filename ? `; filename="${p.filename}"` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\n` +
      `Content-Type: ${p.type ?? 'image/jpeg'}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function upload(id, data, { token = owner.token, name = 'photo', filename = 'photo.jpg', ...opts } = {}) {
  const { body, type } = multipart([{ name, filename, data }], opts);
  return L.req('POST', `/api/v1/listings/${id}/photos`, { token, raw: body, headers: { 'content-type': type } });
}

// GET without any client-side path normalisation (fetch would resolve "..").
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: L.port, path, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The markers of a JPEG's segments up to its first scan (SOS), where metadata would live.
function jpegMarkers(buf) {
  assert.ok(buf[0] === 0xff && buf[1] === 0xd8, 'not a JPEG (no SOI)');
  const markers = [];
  for (let i = 2; i + 4 <= buf.length;) {
    assert.equal(buf[i], 0xff, `no marker at byte ${i}`);
    const m = buf[i + 1];
    if (m === 0xff) { i++; continue; }
    markers.push(m);
    if (m === 0xda) break;
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return markers;
}

const PERSONAL = ['Exif', 'GPS', 'http://ns.adobe.com/xap', 'Zhang San', 'LinliTestCam', '13800138000', 'Beijing',
  'fixture comment', 'ICC_PROFILE', 'Photoshop'];

function assertNoMetadata(buf, what) {
  for (const s of PERSONAL) assert.ok(!buf.includes(s), `${what} still contains "${s}"`);
  const markers = jpegMarkers(buf);
  assert.ok(markers.includes(0xda), `${what}: no scan found`);
  for (const [m, label] of [[0xe1, 'APP1 (EXIF/XMP)'], [0xe2, 'APP2 (ICC)'], [0xed, 'APP13 (IPTC)'], [0xfe, 'COM']])
    assert.ok(!markers.includes(m), `${what} has an ${label} segment`);
}

async function fetchBytes(path) {
  const res = await fetch(L.base + path);
  return { res, buf: Buffer.from(await res.arrayBuffer()) };
}

test('B11: a GPS-tagged photo is served, main image and thumbnail, with no EXIF, GPS or XMP', async () => {
  const gps = fixture('gps.jpg');
  // the fixture really carries what must go, so this test fails if the upload is stored as sent
  for (const s of ['Exif', 'GPS', 'http://ns.adobe.com/xap', 'Zhang San']) assert.ok(gps.includes(s), s);
  assert.ok(jpegMarkers(gps).includes(0xe1));

  const id = await newListing();
  const form = new FormData(); // what a browser sends
  form.append('photo', new Blob([gps], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  const res = await L.req('POST', `/api/v1/listings/${id}/photos`, { token: owner.token, raw: form });
  assert.equal(res.status, 201, res.text);
  const [, hex] = res.json.url.match(NAME);
  assert.equal(res.json.thumbnail, `/photos/${hex}_t.jpg`);
  assert.equal(res.json.width, 320);
  assert.equal(res.json.height, 240);
  assert.ok(Number.isInteger(res.json.id));

  for (const path of [res.json.url, res.json.thumbnail]) {
    const { res: got, buf } = await fetchBytes(path);
    assert.equal(got.status, 200, path);
    assert.equal(got.headers.get('content-type'), 'image/jpeg');
    assert.equal(got.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assertNoMetadata(buf, `served ${path}`);
    const onDisk = readFileSync(join(photoDir(), path.slice('/photos/'.length)));
    assert.ok(onDisk.equals(buf), 'served bytes are the stored file');
    assertNoMetadata(onDisk, `stored ${path}`);
    assert.equal(statSync(join(photoDir(), path.slice(8))).mode & 0o777, 0o644);
  }
  assert.equal(L.sql(`SELECT listing_id || ' ' || name || ' ' || width || 'x' || height FROM listing_photos WHERE id = ${res.json.id}`),
    `${id} ${hex}.jpg 320x240`);

  const listing = await L.req('GET', `/api/v1/listings/${id}`);
  assert.equal(listing.status, 200);
  assert.deepEqual(listing.json.photos, [{ url: res.json.url, thumbnail: res.json.thumbnail }]);
  assert.equal(listing.json.thumbnail, res.json.thumbnail);
});

test('B11: PNG and WebP photos with GPS come out as clean JPEG', async () => {
  const id = await newListing();
  for (const name of ['gps.png', 'gps.webp']) {
    assert.ok(fixture(name).includes('GPS'), `${name} carries GPS`);
    const res = await upload(id, fixture(name), { filename: name });
    assert.equal(res.status, 201, `${name}: ${res.text}`);
    for (const path of [res.json.url, res.json.thumbnail]) assertNoMetadata((await fetchBytes(path)).buf, `${name} ${path}`);
  }
});

test('B11: nobody but the poster can add photos, and a refused upload stores nothing', async () => {
  const id = await newListing();
  const [rows0, files0] = [rows(), filesOnDisk()];
  let res = await upload(id, fixture('gps.jpg'), { token: other.token });
  assert.equal(res.status, 404, res.text);
  assert.equal(res.json.error.code, 'not_found');
  res = await upload(999999, fixture('gps.jpg'));
  assert.equal(res.status, 404, res.text);
  res = await upload(id, fixture('gps.jpg'), { token: null });
  assert.equal(res.status, 401, res.text);
  assert.equal(rows(), rows0);
  assert.deepEqual(filesOnDisk(), files0);
});

test('B11: hostile uploads get the right 4xx and leave no row and no file', async () => {
  const id = await newListing();
  await upload(id, fixture('gps.jpg')); // the folder exists and holds something
  const [rows0, files0] = [rows(), filesOnDisk()];
  const url = `/api/v1/listings/${id}/photos`;
  const send = (body, type) => L.req('POST', url, { token: owner.token, raw: body, headers: { 'content-type': type } });
  const good = fixture('gps.jpg');
  const cases = [
    ['truncated JPEG', () => upload(id, fixture('truncated.jpg')), 422, 'photo_corrupt'],
    ['text named .jpg', () => upload(id, fixture('text.jpg')), 415, 'photo_unsupported_type'],
    ['SVG', () => upload(id, fixture('image.svg'), { filename: 'image.svg' }), 415, 'photo_unsupported_type'],
    ['HTML', () => upload(id, fixture('page.html'), { filename: 'a.jpg' }), 415, 'photo_unsupported_type'],
    ['GIF', () => upload(id, fixture('anim.gif'), { filename: 'a.gif' }), 415, 'photo_unsupported_type'],
    ['zero bytes', () => upload(id, Buffer.alloc(0)), 415, 'photo_unsupported_type'],
    ['decompression bomb', () => upload(id, fixture('bomb.png'), { filename: 'bomb.png' }), 422, 'photo_too_many_pixels'],
    ['no final boundary', () => upload(id, good, { close: false }), 400, 'multipart_invalid'],
    ['part named wrong', () => upload(id, good, { name: 'file' }), 400, 'missing_field'],
    ['JSON instead of a form', () => send(JSON.stringify({ photo: 'x' }), 'application/json'), 415, 'multipart_required'],
    ['no content type', () => L.req('POST', url, { token: owner.token, raw: good }), 415, 'multipart_required'],
    ['two photo parts', () => { const m = multipart([{ name: 'photo', data: good }, { name: 'photo', data: good }]);
      return send(m.body, m.type); }, 400, 'multipart_invalid'],
    ['nine parts', () => { const m = multipart([...Array(9)].map((_, i) => ({ name: i ? `f${i}` : 'photo', data: i ? Buffer.from('x') : good })));
      return send(m.body, m.type); }, 400, 'multipart_invalid'],
    ['boundary not in the body', () => { const m = multipart([{ name: 'photo', data: good }]);
      return send(m.body, 'multipart/form-data; boundary=other'); }, 400, 'multipart_invalid'],
    ['over max_upload_kb', () => upload(id, Buffer.concat([good, Buffer.alloc(140 * 1024)])), 413, 'body_too_large'],
  ];
  for (const [what, run, status, code] of cases) {
    const res = await run();
    assert.equal(res.status, status, `${what}: ${res.text}`);
    assert.equal(res.json?.error?.code, code, `${what}: ${res.text}`);
    if (code === 'missing_field') assert.equal(res.json.error.field, 'photo');
    assert.equal(rows(), rows0, `${what} left a row`);
    assert.deepEqual(filesOnDisk(), files0, `${what} left a file`);
  }
});

test('B11: a listing holds at most 9 photos, also when uploads race for the last places', async () => {
  const id = await newListing();
  for (let i = 0; i < 7; i++) assert.equal((await upload(id, fixture('gps.jpg'))).status, 201);
  const racing = await Promise.all([...Array(4)].map(() => upload(id, fixture('gps.jpg'))));
  assert.deepEqual(racing.map((r) => r.status).sort(), [201, 201, 409, 409]);
  const refused = racing.find((r) => r.status === 409);
  assert.equal(refused.json.error.code, 'too_many_photos');
  assert.equal(Number(L.sql(`SELECT count(*) FROM listing_photos WHERE listing_id = ${id}`)), 9);
  const names = L.sql(`SELECT name FROM listing_photos WHERE listing_id = ${id}`).split('\n');
  const onDisk = filesOnDisk();
  for (const n of names) assert.ok(onDisk.includes(n) && onDisk.includes(n.replace('.jpg', '_t.jpg')), n);
  assert.equal(onDisk.filter((f) => !f.endsWith('.jpg')).length, 0, 'temporary files left');
  assert.equal(onDisk.length, 2 * rows(), 'every file belongs to a row');
  const res = await upload(id, fixture('gps.jpg'));
  assert.equal(res.status, 409);
});

test('B11: deleting a photo removes its row and both files; only the poster may', async () => {
  const id = await newListing();
  const otherId = await newListing();
  const up = (await upload(id, fixture('gps.jpg'))).json;
  const [, hex] = up.url.match(NAME);
  let res = await L.req('DELETE', `/api/v1/listings/${id}/photos/${up.id}`, { token: other.token });
  assert.equal(res.status, 404, res.text);
  res = await L.req('DELETE', `/api/v1/listings/${otherId}/photos/${up.id}`, { token: owner.token });
  assert.equal(res.status, 404, 'a photo is deleted only through its own listing');
  assert.ok(filesOnDisk().includes(`${hex}.jpg`));
  res = await L.req('DELETE', `/api/v1/listings/${id}/photos/${up.id}`, { token: owner.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(L.sql(`SELECT count(*) FROM listing_photos WHERE id = ${up.id}`), '0');
  assert.ok(!filesOnDisk().includes(`${hex}.jpg`) && !filesOnDisk().includes(`${hex}_t.jpg`));
  assert.equal((await fetchBytes(up.url)).res.status, 404);
  assert.deepEqual((await L.req('GET', `/api/v1/listings/${id}`)).json.photos, []);
  res = await L.req('DELETE', `/api/v1/listings/${id}/photos/${up.id}`, { token: owner.token });
  assert.equal(res.status, 404);
});

test('B11: deleting the listing removes its photo files', async () => {
  const id = await newListing();
  const a = (await upload(id, fixture('gps.jpg'))).json, b = (await upload(id, fixture('gps.png'))).json;
  const mine = [a.url, a.thumbnail, b.url, b.thumbnail].map((u) => u.slice('/photos/'.length));
  for (const f of mine) assert.ok(filesOnDisk().includes(f), f);
  const res = await L.req('DELETE', `/api/v1/listings/${id}`, { token: owner.token });
  assert.equal(res.status, 200, res.text);
  for (const f of mine) assert.ok(!filesOnDisk().includes(f), `${f} is still on disk`);
  assert.equal((await fetchBytes(a.url)).res.status, 404);
});

test('B11: photo addresses never leave the photo folder', async () => {
  const id = await newListing();
  const up = (await upload(id, fixture('gps.jpg'))).json;
  assert.ok(existsSync(join(L.dir, 'keys.json')) && existsSync(join(L.dir, 'linli.db')));
  // a link with a photo's name that points at the key file
  symlinkSync(join(L.dir, 'keys.json'), join(photoDir(), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg'));
  const paths = ['/photos/..%2fkeys.json', '/photos/../linli.db', '/photos/..%2flinli.db', '/photos/%2e%2e%2fkeys.json',
    '/photos/%2e%2e/keys.json', '/photos/.%2e/keys.json', '/photos/keys.json', '/photos/linli.db',
    '/photos/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg', '/photos/0123456789abcdef0123456789abcdef.jpg',
    up.url.toUpperCase().replace('/PHOTOS/', '/photos/'), `${up.url}/`, `${up.url}.txt`, '/photos/', '/photos'];
  for (const p of paths) {
    const res = await rawGet(p);
    assert.equal(res.status, 404, `${p} answered ${res.status}`);
    assert.match(res.headers['content-type'], /^application\/json/, p);
    assert.equal(JSON.parse(res.body).error.code, 'not_found', p);
    assert.ok(!res.body.includes('master') && !res.body.includes('SQLite'), p);
  }
  assert.equal((await rawGet(up.url)).status, 200);
  assert.equal((await rawGet(up.thumbnail)).status, 200);
});

test('B11: when the row cannot be written, the files written for it are removed', async () => {
  const id = await newListing();
  await upload(id, fixture('gps.jpg'));
  const [rows0, files0] = [rows(), filesOnDisk()];
  L.sql("CREATE TRIGGER photos_fail BEFORE INSERT ON listing_photos BEGIN SELECT RAISE(ABORT, 'injected'); END;");
  try {
    const res = await upload(id, fixture('gps.jpg'));
    assert.equal(res.status, 500, res.text);
    assert.equal(res.json.error.code, 'internal');
  } finally {
    L.sql('DROP TRIGGER photos_fail');
  }
  assert.equal(rows(), rows0);
  assert.deepEqual(filesOnDisk(), files0);
  assert.equal((await upload(id, fixture('gps.jpg'))).status, 201);
});
