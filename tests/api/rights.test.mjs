// rights.test.mjs — see, download, decide, cancel (G1, G3, G4, G5, G6, C3), generated from the declarations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Linli } from './lib.mjs';
import { run, amrNote, multipartUpload } from './lib.mjs';
import { idNumber, bankCard, creditCode } from './idnum.mjs';
import { buyMembership, payOrder } from './pay.mjs';

const L = new Linli();
const PHONE = '13566667777';
const profile = { username: '数据测试员', nickname: '小测', city: '广州', hometown: '汕头', occupation: '工程师',
  position: '测试', interests: ['徒步'], email: 'tester@example.cn', qq: '55556666' };
let me, other, listingIds = [];

// The declared PI fields, read from the one source of truth.
function declaredFields() {
  const text = readFileSync(new URL('../../src/privacy/pi_decl.h', import.meta.url), 'utf8');
  return [...text.matchAll(/^PI\(\w+, "(\w+)", "(\w+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
}

function photoPart(bytes) {
  const b = '----linli' + Date.now();
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  return { body: Buffer.concat([head, bytes, Buffer.from(`\r\n--${b}--\r\n`)]), type: `multipart/form-data; boundary=${b}` };
}

before(async () => {
  await L.start();
  me = await L.signIn(PHONE);
  other = await L.signIn('13566668888');
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: me.token, body: profile })).status, 200);
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: PHONE, purpose: 'password' } });
  const code = L.outbox().filter((m) => m.phone === PHONE && m.purpose === 'password').at(-1).code;
  assert.equal((await L.req('PUT', '/api/v1/me/password', { token: me.token, body: { password: 'a-long-password', code } })).status, 200);
  const base = { city: 4401, district: 440106, contact_phone: PHONE, description: '测试' };
  const bodies = [
    { ...base, category: 'housing', title: '导出测试 房源', fields: { rooms: 1, area_m2: 30, address: '广州市天河区导出路1号', owner_name: '导出人', owner_id_number: '11010519491231002X', ownership_doc: '粤房字第1号' } },
    { ...base, category: 'jobs', title: '导出测试 招聘', fields: { position: '测试员', contact_email: 'jobs@example.cn' } },
    { ...base, category: 'cars', title: '导出测试 车辆', lat: 23.12, lng: 113.36, fields: { brand: '比亚迪', year: 2021, mileage_km: 100, viewing_place: '天河', plate: '粤A54321' } },
  ];
  for (const b of bodies) listingIds.push((await L.req('POST', '/api/v1/listings', { token: me.token, body: b })).json.id);
  assert.equal(L.sql(`SELECT count(*) FROM listings_fts_new_ids WHERE id IN (${listingIds.join(',')})`), '3', 'in the recent part');
  const jpeg = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
  const { body, type } = photoPart(jpeg);
  const up = await L.req('POST', `/api/v1/listings/${listingIds[0]}/photos`, { token: me.token, raw: body, headers: { 'content-type': type } });
  assert.equal(up.status, 201, up.text);
  await L.req('GET', `/api/v1/search?q=导出`, { token: me.token });
  await L.req('GET', `/api/v1/listings/${listingIds[0]}`, { token: other.token });
  await L.req('GET', `/api/v1/listings/${listingIds[1]}`, { token: me.token });
  const someone = await L.req('POST', '/api/v1/listings', { token: other.token, body: { ...base, contact_phone: '13566668888', category: 'goods', title: '别人的手机', fields: { condition: '全新' } } });
  await L.req('GET', `/api/v1/listings/${someone.json.id}`, { token: me.token });
  // C10: a conversation with a text and a voice note (chat_members, chat_messages.body, chat_voice.audio)
  const chat = await L.req('POST', '/api/v1/conversations', { token: me.token, body: { subject_kind: 'listing', subject_id: someone.json.id, text: '导出测试的微聊' } });
  assert.equal(chat.status, 201, chat.text);
  const voice = await L.req('POST', `/api/v1/conversations/${chat.json.id}/voice`, { token: me.token, ...multipartUpload('audio', amrNote(25), 'v.amr') });
  assert.equal(voice.status, 201, voice.text);
  // C2: a ticket with a photo (tickets.subject, ticket_messages.body, ticket_messages.photo)
  const tk = await L.req('POST', '/api/v1/tickets', { token: me.token, body: { category: 'question', subject: '导出测试工单', text: '导出测试的工单内容' } });
  assert.equal(tk.status, 201, tk.text);
  const tkPhoto = await L.req('POST', `/api/v1/tickets/${tk.json.id}/photos`, { token: me.token, ...multipartUpload('photo', jpeg, 'a.jpg', 'image/jpeg') });
  assert.equal(tkPhoto.status, 201, tkPhoto.text);
  // C4: my code, someone invited by it, my points, a gift claimed with a delivery address
  const invite = await L.req('GET', '/api/v1/me/invite', { token: me.token });
  assert.equal((await L.req('POST', '/api/v1/me/invitation', { token: other.token, body: { code: invite.json.code } })).status, 201);
  L.sql(`INSERT INTO reward_points(user_id, points, reason, at) VALUES (${me.user.id}, 10, 'invite', 0)`);
  const gift = await L.req('POST', '/api/v1/gifts/claims', { token: me.token, body: { gift: 'tote_bag', name: '导出人', phone: PHONE, address: '广州市天河区导出路1号' } });
  assert.equal(gift.status, 201, gift.text);
  await L.req('PUT', '/api/v1/me/consents', { token: me.token, body: { precise_location: true, marketing: true } });
  // E1/E4: the person is in a partner export they agreed to, so shares.user_id has a value for them
  const boss = await L.signIn('13566669999');
  assert.equal(run(L.dir, 'staff', 'grant', '13566669999', 'admin').code, 0);
  await L.req('PUT', '/api/v1/me/consents', { token: me.token, body: { partner_sharing: true } });
  assert.equal((await L.req('POST', '/api/v1/admin/partners', { token: boss.token, body: { name: '权利测试合作方', purpose: '统计分析', region: 'CN', fields: ['pseudonym'] } })).status, 201);
  assert.equal(run(L.dir, 'share', 'export', '权利测试合作方').code, 0);
  // H1: declared at 16 with a guardian's consent (users.birth_year, users.guardian_phone) ...
  const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: me.token, body: { birth_year: year - 16 } })).status, 200);
  assert.equal((await L.req('POST', '/api/v1/me/guardian', { token: me.token, body: { guardian_phone: '13566660000' } })).status, 202);
  const guardianCode = L.outbox().filter((m) => m.phone === '13566660000' && m.purpose === 'guardian').at(-1).code;
  assert.equal((await L.req('POST', '/api/v1/me/guardian/confirm', { token: me.token, body: { code: guardianCode } })).status, 200);
  // ... and since come of age: a guardian's number exists only for someone who was a minor, so time moves here
  L.sql(`UPDATE users SET birth_year = ${year - 30} WHERE id = ${me.user.id}`);
  // C1: real-name verification (verifications.*, users.birth_date), after the age moved on
  await L.req('PUT', '/api/v1/me/consents', { token: me.token, body: { sensitive_identity: true } });
  const verified = await L.req('POST', '/api/v1/me/verification', { token: me.token, body: { name: '导出实名', id_number: idNumber('440106', `${year - 30}0101`), bank_card: bankCard('622202020011223') } });
  assert.equal(verified.status, 200, verified.text);
  // C7: an organisation with its licence (organizations.*)
  const org = await L.req('POST', '/api/v1/organizations', { token: me.token, body: { name: '导出测试单位', credit_code: creditCode('91440101MA5C0000X') } });
  assert.equal(org.status, 201, org.text);
  const lic = photoPart(jpeg);
  const licBody = Buffer.from(lic.body.toString('latin1').replace('name="photo"', 'name="licence"'), 'latin1');
  assert.equal((await L.req('PUT', `/api/v1/organizations/${org.json.id}/licence`, { token: me.token, raw: licBody, headers: { 'content-type': lic.type } })).status, 200);
  // C6, E5, C11: a resume sent to someone's job, with an accepted interview (resumes.*, applications.*, interviews.*)
  const resume = await L.req('POST', '/api/v1/resumes', { token: me.token, body: { name: '导出简历人', phone: PHONE, email: 'cv@example.cn', education: '导出大学', experience: '导出经历', salary: '面议', position: '导出岗位', city: 4401, years: 2 } });
  assert.equal(resume.status, 201, resume.text);
  const theirJob = await L.req('POST', '/api/v1/listings', { token: other.token, body: { ...base, contact_phone: '13566668888', category: 'jobs', title: '别人的招聘', fields: { position: '厨师' } } });
  const applied = await L.req('POST', `/api/v1/listings/${theirJob.json.id}/applications`, { token: me.token, body: { resume_id: resume.json.id } });
  assert.equal(applied.status, 201, applied.text);
  assert.equal((await L.req('POST', `/api/v1/applications/${applied.json.id}/interview`, { token: other.token, body: { starts_at: Math.floor(Date.now() / 1000) + 86400, place: '天河路1号' } })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/applications/${applied.json.id}/interview/accept`, { token: me.token })).status, 200);
  // F8: a breach notice for the person (messages.body)
  assert.equal((await L.req('POST', '/api/v1/admin/incidents', { token: boss.token, body: { title: '测试事件', what: '测试', occurred_at: Math.floor(Date.now() / 1000) - 60, fields: ['users.phone'], remedies: '已处理', advice: '无需操作', users: [me.user.id] } })).status, 201);
  // JX: the person is a home-service merchant with a service (merchants.*, services.*)
  assert.equal(run(L.dir, 'staff', 'grant', '13566669999', 'moderator').code, 0);
  const merchant = await L.req('POST', '/api/v1/merchants', { token: me.token, body: { name: '导出测试家政', city: 4401, license_no: '91440101MA59ABCD1X' } });
  assert.equal((await L.req('POST', `/api/v1/admin/merchants/${merchant.json.id}/approve`, { token: boss.token })).status, 200);
  const service = await L.req('POST', '/api/v1/services', { token: me.token, body: { category: 'cleaning', title: '导出测试保洁', description: '测试',
    price: 10000, unit: '次', city: 4401, area: { centre: { lat: 23.12, lng: 113.36 }, radius_km: 5 }, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } });
  assert.equal(service.status, 201, service.text);
  // ... and a customer of another merchant (orders.*)
  const shop = await L.req('POST', '/api/v1/merchants', { token: other.token, body: { name: '别人的家政', city: 4401, license_no: '91440101MA59ABCD1X' } });
  assert.equal((await L.req('POST', `/api/v1/admin/merchants/${shop.json.id}/approve`, { token: boss.token })).status, 200);
  const theirs = await L.req('POST', '/api/v1/services', { token: other.token, body: { category: 'repair', title: '别人的维修', price: 5000, unit: '次',
    city: 4401, area: { districts: [440106] }, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } });
  const when = new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const ordered = await L.req('POST', '/api/v1/orders', { token: me.token, body: { service_id: theirs.json.id, time: when, district: 440106,
    address: '广州市天河区导出订单路2号', phone: PHONE } });
  assert.equal(ordered.status, 201, ordered.text);
  // C9: ... who reviews the completed order with a photo, and the merchant replies (reviews.*, review_photos.photo)
  await payOrder(L, me, ordered.json.id);
  for (const move of ['accept', 'start', 'complete'])
    assert.equal((await L.req('POST', `/api/v1/orders/${ordered.json.id}/${move}`, { token: other.token })).status, 200);
  const rev = await L.req('POST', `/api/v1/orders/${ordered.json.id}/review`, { token: me.token, body: { rating: 4, text: '导出测试的评价' } });
  assert.equal(rev.status, 201, rev.text);
  assert.equal((await L.req('POST', `/api/v1/orders/${ordered.json.id}/review/photos`, { token: me.token, ...multipartUpload('photo', jpeg, 'r.jpg', 'image/jpeg') })).status, 201);
  assert.equal((await L.req('POST', `/api/v1/reviews/${rev.json.id}/reply`, { token: other.token, body: { text: '导出测试的回复' } })).status, 200);
  // A6: ... and is a member (memberships.*, membership_orders.*)
  await buyMembership(L, me, 'monthly');
});
after(async () => { await L.stop(); L.cleanup(); });

test('G5: every declared personal field appears in the person\'s data, grouped by category', async () => {
  const res = await L.req('GET', '/api/v1/me/data', { token: me.token });
  assert.equal(res.status, 200);
  const fields = new Map(res.json.categories.flatMap((c) => c.fields.map((f) => [f.field, { ...f, category: c.category }])));
  for (const name of declaredFields()) {
    const f = fields.get(name);
    assert.ok(f, `${name} is declared but missing from the export`);
    assert.ok(f.purposes.length > 0 && f.retention && f.basis, name);
    if (f.linked) assert.ok(f.values.length > 0, `${name}: no value exported though one was seeded`);
    else assert.ok(f.note, name);
  }
  const values = (n) => fields.get(n).values;
  assert.deepEqual(values('users.phone'), [PHONE]);
  assert.deepEqual(values('users.email'), [profile.email]);
  assert.ok(values('listings.plate').includes('粤A54321'));
  assert.ok(values('listings.owner_id_number').includes('11010519491231002X'), 'the person may see their own sensitive data');
  assert.ok(values('search_history.query').includes('导出'));
  assert.match(values('users.password_hash')[0], /不可还原/);
  assert.ok(!res.text.includes('别人的手机'), 'nobody else\'s data');
  assert.ok(values('chat_messages.body').includes('导出测试的微聊'));
  assert.equal(values('chat_voice.audio')[0].encoding, 'base64');
  assert.ok(values('tickets.subject').includes('导出测试工单'));
  assert.ok(values('ticket_messages.body').includes('导出测试的工单内容'));
  assert.equal(values('ticket_messages.photo')[0].encoding, 'base64');
  assert.deepEqual(values('reviews.body'), ['导出测试的评价']);
  assert.deepEqual(values('reviews.reply'), ['导出测试的回复']);
  assert.equal(values('review_photos.photo')[0].encoding, 'base64');
  assert.ok(values('gift_claims.address').includes('广州市天河区导出路1号'));
  assert.ok(Buffer.from(values('chat_voice.audio')[0].data, 'base64').equals(amrNote(25)), 'the voice note itself');
  await L.req('GET', `/api/v1/listings/${listingIds[1]}/contact`, { token: other.token }); // someone reads my contact
  const again = await L.req('GET', '/api/v1/me/data', { token: me.token });
  const actors = again.json.categories.flatMap((c) => c.fields).find((f) => f.field === 'audit_log.actor').values;
  assert.ok(actors.length > 0 && actors.every((v) => v === me.user.id), `no other account number: ${actors}`);
});

test('G5: the download is a tar with data.json and the person\'s photos', async () => {
  const res = await fetch(L.base + '/api/v1/me/export', { headers: { authorization: `Bearer ${me.token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="linli-export.tar"/);
  const buf = Buffer.from(await res.arrayBuffer());
  const files = {};
  for (let off = 0; off + 512 <= buf.length;) {
    const name = buf.subarray(off, off + 100).toString().replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(buf.subarray(off + 124, off + 136).toString(), 8);
    files[name] = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  const data = JSON.parse(files['linli-export/data.json'].toString());
  assert.equal(data.account, me.user.id);
  const photos = Object.keys(files).filter((n) => n.startsWith('linli-export/photos/'));
  assert.equal(photos.length, 1);
  assert.equal(files[photos[0]][0], 0xff, 'a JPEG');
});

test('G3: each optional use is off until turned on, and withdrawing takes one call', async () => {
  const fresh = await L.req('GET', '/api/v1/me/consents', { token: other.token });
  assert.deepEqual(fresh.json.items.map((i) => i.purpose), ['personalization', 'marketing', 'precise_location', 'partner_sharing', 'cross_border', 'sensitive_identity']);
  assert.ok(fresh.json.items.every((i) => i.granted === false && i.decided_at === null));
  const on = await L.req('PUT', '/api/v1/me/consents', { token: other.token, body: { personalization: true } });
  assert.equal(on.json.items.find((i) => i.purpose === 'personalization').granted, true);
  const off = await L.req('PUT', '/api/v1/me/consents', { token: other.token, body: { personalization: false } });
  assert.equal(off.json.items.find((i) => i.purpose === 'personalization').granted, false);
  assert.equal((await L.req('PUT', '/api/v1/me/consents', { token: other.token, body: { telepathy: true } })).status, 400);
  assert.equal((await L.req('PUT', '/api/v1/me/consents', { token: other.token, body: { personalization: 'yes' } })).status, 400);
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'consent.withdrawn' AND subject = ${other.user.id}`), '1');
});

test('C3: with personalisation off, people with different histories get the same recommendations', async () => {
  const a = await L.signIn('13566660001'), b = await L.signIn('13566660002');
  await L.req('GET', `/api/v1/listings/${listingIds[0]}`, { token: a.token }); // housing
  await L.req('GET', `/api/v1/listings/${listingIds[2]}`, { token: b.token }); // cars
  const ra = await L.req('GET', '/api/v1/recommendations?city=4401', { token: a.token });
  const rb = await L.req('GET', '/api/v1/recommendations?city=4401', { token: b.token });
  assert.equal(ra.json.personalized, false);
  assert.deepEqual(ra.json.items.map((i) => i.id), rb.json.items.map((i) => i.id));
  for (const t of [a, b]) await L.req('PUT', '/api/v1/me/consents', { token: t.token, body: { personalization: true } });
  const pa = await L.req('GET', '/api/v1/recommendations?city=4401', { token: a.token });
  const pb = await L.req('GET', '/api/v1/recommendations?city=4401', { token: b.token });
  assert.equal(pa.json.personalized, true);
  assert.ok(pa.json.items.every((i) => i.category === 'housing'));
  assert.ok(pb.json.items.every((i) => i.category === 'cars'));
  await L.req('PUT', '/api/v1/me/consents', { token: a.token, body: { personalization: false } });
  assert.equal((await L.req('GET', '/api/v1/recommendations?city=4401', { token: a.token })).json.personalized, false, 'takes effect on the next request');
});

test('G4/G6: cancelling needs a fresh code, then nothing of the person remains but the law\'s minimum', async () => {
  const photoDir = join(L.dir, 'photos');
  const photosBefore = readdirSync(photoDir).length;
  assert.ok(photosBefore >= 2);
  let res = await L.req('DELETE', '/api/v1/me', { token: me.token, body: {} });
  assert.equal(res.status, 400);
  res = await L.req('DELETE', '/api/v1/me', { token: me.token, body: { code: '000000' } });
  assert.equal(res.status, 400);
  const loginCode = L.lastCode(PHONE);
  res = await L.req('DELETE', '/api/v1/me', { token: me.token, body: { code: loginCode } });
  assert.equal(res.status, 400, 'a code for another purpose does not cancel');
  assert.equal((await L.req('GET', '/api/v1/me', { token: me.token })).status, 200, 'nothing happened yet');
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: PHONE, purpose: 'cancel' } })).status, 202);
  const code = L.outbox().filter((m) => m.phone === PHONE && m.purpose === 'cancel').at(-1).code;
  res = await L.req('DELETE', '/api/v1/me', { token: me.token, body: { code } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'cancelled');
  assert.ok(res.json.erased.some((e) => e.table === 'users' && e.rows === 1));
  assert.ok(res.json.kept.some((k) => k.table === 'audit_log'));
  assert.match(res.headers.get('set-cookie'), /Max-Age=0/);

  assert.equal((await L.req('GET', '/api/v1/me', { token: me.token })).status, 401);
  for (const id of listingIds) assert.equal((await L.req('GET', `/api/v1/listings/${id}`)).status, 404);
  assert.equal((await L.req('GET', '/api/v1/search?q=导出测试')).json.items.length, 0, 'gone from the search index');
  const uid = me.user.id;
  for (const [t, cond] of [['users', 'id'], ['sessions', 'user_id'], ['listings', 'user_id'], ['browse_history', 'user_id'],
    ['search_history', 'user_id'], ['consents', 'user_id'], ['merchants', 'user_id'], ['orders', 'customer_id'],
    ['chat_members', 'user_id'], ['chat_messages', 'sender_id'], ['tickets', 'user_id'], ['invite_codes', 'user_id'],
    ['reward_points', 'user_id'], ['gift_claims', 'user_id'], ['verifications', 'user_id'], ['organizations', 'user_id'],
    ['resumes', 'user_id'], ['applications', 'user_id'], ['reviews', 'user_id']])
    assert.equal(L.sql(`SELECT count(*) FROM ${t} WHERE ${cond} = ${uid}`), '0', t);
  assert.equal(execFileSync('sqlite3', [join(L.dir, 'keys.db'), `SELECT count(*) FROM deks WHERE user_id = ${uid}`], { encoding: 'utf8' }).trim(),
    '0', 'the data key is shredded in the key store');
  // G4: the order the merchant must keep by law stays, tied to nobody, without address, phone or district
  assert.ok(res.json.kept.some((k) => k.table === 'orders'));
  assert.equal(L.sql("SELECT count(*) FROM orders WHERE item = '别人的维修' AND customer_id IS NULL AND address IS NULL AND phone IS NULL AND district IS NULL"), '1');
  assert.equal(L.sql(`SELECT count(*) FROM listings_geo WHERE id IN (${listingIds.join(',')})`), '0');
  // the recent part of the full text held them (posted lately): their entries went from there, not the main part
  assert.equal(L.sql(`SELECT count(*) FROM listings_fts_new_ids WHERE id IN (${listingIds.join(',')})`), '0');
  assert.equal(readdirSync(photoDir).length, photosBefore - 2, 'the photo and its thumbnail are deleted');
  await L.stop(); // checkpoint the WAL, then read every byte the database holds
  const needles = [PHONE, profile.username, profile.email, profile.qq, '导出人', '粤A54321', '导出路1号', '导出测试家政', '导出测试保洁', '导出订单路', '导出测试的微聊',
    '导出测试工单', '导出测试的工单内容', '导出实名', '导出测试单位', '导出简历人', '导出经历', '导出测试的评价', '导出测试的回复'];
  for (const f of readdirSync(L.dir).filter((n) => n.startsWith('linli.db'))) {
    const bytes = readFileSync(join(L.dir, f));
    for (const n of needles) assert.ok(!bytes.includes(Buffer.from(n)), `${n} in ${f}`);
  }
  await L.start();
});

test('G4: the number can register again, as a new person', async () => {
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  const again = await L.signIn(PHONE);
  assert.equal(again.user.new, true);
  assert.notEqual(again.user.id, me.user.id);
  const data = await L.req('GET', '/api/v1/me/data', { token: again.token });
  assert.ok(!data.text.includes(profile.email), 'nothing of the old account comes back');
});
