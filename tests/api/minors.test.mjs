// minors.test.mjs — declared age, guardian consent by SMS, no dating under 18, deletion without consent (H1, H2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli({ sms_per_ip_hour: 1000 });
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear(); // the year in Beijing, as the server counts
const base = { city: 4401, district: 440106, contact_phone: '13912345678', description: '测试' };
const goods = { ...base, category: 'goods', subcategory: 'digital', title: '旧书出售', fields: { condition: '九成新' } };
const dating = { ...base, category: 'dating', subcategory: 'friends', title: '周末一起爬山', fields: { gender: '女', age: 28 } };

before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

const me = (t) => L.req('GET', '/api/v1/me', { token: t });
const patch = (t, body) => L.req('PATCH', '/api/v1/me', { token: t, body });
const post = (t, body) => L.req('POST', '/api/v1/listings', { token: t, body });

async function child(phone, guardian) {
  const u = await L.signIn(phone);
  assert.equal((await patch(u.token, { birth_year: YEAR - 12 })).status, 200);
  if (guardian) {
    assert.equal((await L.req('POST', '/api/v1/me/guardian', { token: u.token, body: { guardian_phone: guardian } })).status, 202);
    const code = L.outbox().filter((m) => m.phone === guardian && m.purpose === 'guardian').at(-1).code;
    assert.equal((await L.req('POST', '/api/v1/me/guardian/confirm', { token: u.token, body: { code } })).status, 200);
  }
  return u;
}

test('H1: a birth year is declared, range-checked and shown', async () => {
  const u = await L.signIn('13710000001');
  assert.equal((await me(u.token)).json.birth_year, null);
  for (const bad of [1899, YEAR + 1, '1990'])
    assert.ok([400, 422].includes((await patch(u.token, { birth_year: bad })).status), String(bad));
  const res = await patch(u.token, { birth_year: YEAR - 30 });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.birth_year, YEAR - 30);
  assert.equal(res.json.guardian.required, false);
  assert.equal(L.sql("SELECT birth_year FROM users WHERE id = " + u.user.id), String(YEAR - 30));
});

test('H1: a child under 14 is held until a guardian consents by SMS code', async () => {
  const phone = '13710000002', guardian = '13710000003';
  const u = await L.signIn(phone);
  const held = await patch(u.token, { birth_year: YEAR - 12 });
  assert.equal(held.status, 200);
  assert.equal(held.json.guardian.required, true);
  const refused = await post(u.token, goods);
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'guardian_consent_required');
  for (const [m, p, body] of [['PATCH', '/api/v1/me', { nickname: '小明' }], ['PUT', '/api/v1/me/consents', { personalization: true }]]) {
    const r = await L.req(m, p, { token: u.token, body });
    assert.equal(r.status, 403, `${m} ${p}`);
    assert.equal(r.json.error.code, 'guardian_consent_required');
  }
  // the child's own controls that reduce processing stay open (G2, G3)
  assert.equal((await L.req('GET', '/api/v1/me/sessions', { token: u.token })).status, 200);
  assert.equal((await L.req('PUT', '/api/v1/me/consents', { token: u.token, body: { personalization: false } })).status, 200);
  // public pages are served as to anyone: no footprint, no search history for a held child
  assert.equal((await L.req('GET', '/api/v1/search?q=旧书', { token: u.token })).status, 200);
  assert.equal(L.sql(`SELECT count(*) FROM search_history WHERE user_id = ${u.user.id}`), '0');
  assert.equal(L.sql(`SELECT nickname IS NULL FROM users WHERE id = ${u.user.id}`), '1', 'nothing but the birth year is processed');
  // still allowed: the profile, the data, the birth year (only younger), sign-out is tested elsewhere
  assert.equal((await me(u.token)).status, 200);
  assert.equal((await L.req('GET', '/api/v1/me/data', { token: u.token })).status, 200);
  assert.equal((await patch(u.token, { birth_year: YEAR - 11 })).status, 200);
  const older = await patch(u.token, { birth_year: YEAR - 30 });
  assert.equal(older.status, 409, 'a held child cannot type an older year to get out');
  assert.equal(older.json.error.code, 'birth_year_locked');
  assert.equal((await patch(u.token, { birth_year: null })).status, 409);
  // the guardian flow
  const own = await L.req('POST', '/api/v1/me/guardian', { token: u.token, body: { guardian_phone: phone } });
  assert.equal(own.status, 422);
  assert.equal(own.json.error.code, 'guardian_same_phone');
  const early = await L.req('POST', '/api/v1/me/guardian/confirm', { token: u.token, body: { code: '123456' } });
  assert.equal(early.json.error.code, 'guardian_not_requested');
  const sent = await L.req('POST', '/api/v1/me/guardian', { token: u.token, body: { guardian_phone: guardian } });
  assert.equal(sent.status, 202, sent.text);
  const sms = L.outbox().filter((m) => m.phone === guardian);
  assert.equal(sms.length, 1);
  assert.equal(sms[0].purpose, 'guardian');
  assert.match(sms[0].code, /^\d{6}$/);
  assert.ok(!sms[0].text.includes(phone), 'the guardian\'s SMS names nobody');
  const again = await L.req('POST', '/api/v1/me/guardian', { token: u.token, body: { guardian_phone: guardian } });
  assert.equal(again.status, 429, 'guardian codes have the same limits as other codes');
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: guardian, purpose: 'guardian' } })).status, 422,
    'guardian codes are not sent from the public endpoint');
  const wrong = sms[0].code === '000000' ? '111111' : '000000';
  assert.equal((await L.req('POST', '/api/v1/me/guardian/confirm', { token: u.token, body: { code: wrong } })).status, 400);
  const ok = await L.req('POST', '/api/v1/me/guardian/confirm', { token: u.token, body: { code: sms[0].code } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.guardian.required, false);
  assert.ok(ok.json.guardian.consented_at);
  assert.equal(ok.json.guardian.phone, '137****0003');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'guardian.consented' AND subject = ${u.user.id}`), '1');
  assert.equal((await post(u.token, goods)).status, 201, 'works again after consent');
  assert.equal((await post(u.token, dating)).json.error.code, 'adults_only', 'still a minor');
  const hex = L.sql(`SELECT hex(guardian_phone) FROM users WHERE id = ${u.user.id}`);
  assert.ok(hex.length > 0 && !Buffer.from(hex, 'hex').toString('latin1').includes(guardian), 'the guardian\'s number is sealed');
});

test('H1: someone of 16 cannot post or change a dating listing, nor reveal its contact, but can post goods', async () => {
  const adult = await L.signIn('13710000010');
  assert.equal((await patch(adult.token, { birth_year: YEAR - 30 })).status, 200);
  const date = await post(adult.token, dating);
  assert.equal(date.status, 201, date.text);
  const teen = await L.signIn('13710000011');
  assert.equal((await patch(teen.token, { birth_year: YEAR - 16 })).status, 200);
  const res = await post(teen.token, dating);
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'adults_only');
  assert.equal((await post(teen.token, goods)).status, 201);
  const contact = await L.req('GET', `/api/v1/listings/${date.json.id}/contact`, { token: teen.token });
  assert.equal(contact.status, 403);
  assert.equal(contact.json.error.code, 'adults_only');
  assert.equal((await L.req('GET', `/api/v1/listings/${date.json.id}/contact`, { token: adult.token })).status, 200);
  // an adult who then declares a minor's year cannot change their dating listing any more
  assert.equal((await patch(adult.token, { birth_year: YEAR - 17 })).status, 200);
  const change = await L.req('PATCH', `/api/v1/listings/${date.json.id}`, { token: adult.token, body: { title: '周末一起徒步' } });
  assert.equal(change.json.error.code, 'adults_only');
  assert.equal((await patch(adult.token, { birth_year: YEAR - 30 })).json.error.code, 'birth_year_locked');
  // guardian consent is for minors only
  const adult2 = await L.signIn('13710000012');
  assert.equal((await L.req('POST', '/api/v1/me/guardian', { token: adult2.token, body: { guardian_phone: '13710000013' } })).json.error.code, 'not_a_minor');
});

test('H2: a child\'s account held 30 days without a guardian\'s consent is erased by the retention sweep, a consented one is not', async () => {
  const lone = await child('13710000020');
  const kept = await child('13710000021', '13710000022');
  const now = Math.floor(Date.now() / 1000);
  let r = run(L.dir, 'retention', 'run', '--now', String(now + 29 * 86400));
  assert.equal(r.code, 0, r.out);
  assert.equal(L.sql(`SELECT count(*) FROM users WHERE id = ${lone.user.id}`), '1', 'not before 30 days');
  r = run(L.dir, 'retention', 'run', '--now', String(now + 31 * 86400));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /erased without a guardian's consent: 1/);
  assert.equal(L.sql(`SELECT count(*) FROM users WHERE id = ${lone.user.id}`), '0', 'erased as a cancellation would');
  assert.equal(L.sql(`SELECT count(*) FROM sessions WHERE user_id = ${lone.user.id}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM users WHERE id = ${kept.user.id}`), '1');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'account.erased' AND subject = ${lone.user.id}`), '1');
});

test('H1: when a declared age holds an account, its listings leave publication and its phone is no longer handed out', async () => {
  const u = await L.signIn('13710000030');
  const created = await post(u.token, goods);
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const viewer = await L.signIn('13710000031');
  assert.equal((await L.req('GET', `/api/v1/listings/${id}/contact`, { token: viewer.token })).status, 200);
  assert.equal((await patch(u.token, { birth_year: YEAR - 12 })).status, 200);
  assert.equal((await L.req('GET', `/api/v1/listings/${id}`)).status, 404);
  assert.equal((await L.req('GET', `/api/v1/listings/${id}/contact`, { token: viewer.token })).status, 404);
  const found = await L.req('GET', `/api/v1/search?q=${encodeURIComponent(goods.title.slice(0, 2))}`);
  assert.ok(!found.json.items.some((i) => i.id === id), 'gone from search');
});

test('H1: a held account\'s listing waiting for review is withdrawn too, and a moderator cannot approve it back', async () => {
  const mod = await L.signIn('13710000040');
  assert.equal(run(L.dir, 'staff', 'grant', '13710000040', 'moderator').code, 0);
  const u = await L.signIn('13710000041');
  const waiting = await post(u.token, { ...goods, title: '代开发票 正规' });
  assert.equal(waiting.status, 201, waiting.text);
  assert.equal(waiting.json.status, 'pending');
  assert.equal((await patch(u.token, { birth_year: YEAR - 12 })).status, 200);
  assert.equal(L.sql(`SELECT status || ':' || moderation_note FROM listings WHERE id = ${waiting.json.id}`), 'hidden:minor');
  const queue = await L.req('GET', '/api/v1/admin/listings?status=pending', { token: mod.token });
  assert.ok(!queue.json.items.some((i) => i.id === waiting.json.id), 'out of the review queue');
  const approve = await L.req('POST', `/api/v1/admin/listings/${waiting.json.id}/approve`, { token: mod.token });
  assert.equal(approve.status, 409, approve.text);
  assert.equal(L.sql(`SELECT status FROM listings WHERE id = ${waiting.json.id}`), 'hidden');
  assert.equal((await L.req('GET', `/api/v1/listings/${waiting.json.id}`)).status, 404);
});
