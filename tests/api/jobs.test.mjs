// jobs.test.mjs — resumes, applications, interviews and every forbidden resume read (C6, C7, C11, E1, E5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linli, run } from './lib.mjs';
import { creditCode } from './idnum.mjs';

const L = new Linli();
let seeker, other, boss, rival, novice, mod;
let jobId, rivalJobId, goodsId, resumeId, publicId, appId;

const resumeBody = { name: '陈求职', phone: '13733330001', email: 'chen@example.cn', education: '2015 广州大学 本科',
  experience: '2016-2022 川菜馆 厨师', salary: '8000-10000', position: '厨师', city: 4401, years: 6 };
const job = (phone, title) => ({ category: 'jobs', title, description: '包吃住', city: 4401, contact_phone: phone, fields: { position: '厨师' } });
const JPEG = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));

async function approvedOrg(who, name, base) {
  const org = await L.req('POST', '/api/v1/organizations', { token: who.token, body: { name, credit_code: creditCode(base) } });
  assert.equal(org.status, 201, org.text);
  const b = '----j' + Date.now();
  const raw = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="licence"; filename="l.jpg"\r\n\r\n`), JPEG, Buffer.from(`\r\n--${b}--\r\n`)]);
  assert.equal((await L.req('PUT', `/api/v1/organizations/${org.json.id}/licence`, { token: who.token, raw, headers: { 'content-type': `multipart/form-data; boundary=${b}` } })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/admin/organizations/${org.json.id}/approve`, { token: mod.token })).status, 200);
}

const denials = (uid) => Number(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'resume.access_denied' AND actor = ${uid}`));
async function assertDenied(who, id, why) {
  const before = denials(who.user.id);
  const res = await L.req('GET', `/api/v1/resumes/${id}`, { token: who.token });
  assert.equal(res.status, 404, `${why}: ${res.text}`);
  assert.equal(res.json.error.code, 'not_found');
  assert.ok(!res.text.includes('陈求职') && !res.text.includes('13733330001'), why);
  assert.equal(denials(who.user.id), before + 1, `${why}: one access-denied audit entry`);
}

before(async () => {
  await L.start();
  [seeker, other, boss, rival, novice, mod] = await Promise.all(['13733330001', '13733330002', '13733330003',
    '13733330004', '13733330005', '13733330006'].map((p) => L.signIn(p)));
  assert.equal(run(L.dir, 'staff', 'grant', '13733330006', 'moderator').code, 0);
  await approvedOrg(boss, '蜀香餐饮有限公司', '91440101MA5C0000X');
  await approvedOrg(rival, '粤味餐饮有限公司', '91440101MA5C1111X');
  jobId = (await L.req('POST', '/api/v1/listings', { token: boss.token, body: job('13733330003', '招聘川菜厨师') })).json.id;
  rivalJobId = (await L.req('POST', '/api/v1/listings', { token: rival.token, body: job('13733330004', '招聘粤菜厨师') })).json.id;
  goodsId = (await L.req('POST', '/api/v1/listings', { token: boss.token, body: { category: 'goods', title: '二手灶台', city: 4401, contact_phone: '13733330003', fields: { condition: '九成新' } } })).json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('C6: a seeker creates a resume, visible only to employers applied to by default; contact fields sealed', async () => {
  const bad = await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: { ...resumeBody, city: 440106 } });
  assert.deepEqual([bad.status, bad.json.error.field], [422, 'city']);
  const badPhone = await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: { ...resumeBody, phone: '123' } });
  assert.deepEqual([badPhone.status, badPhone.json.error.field], [422, 'phone']);
  const missing = await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: { name: '陈求职' } });
  assert.equal(missing.status, 400);
  const res = await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: resumeBody });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.json, { id: res.json.id, visibility: 'applied' });
  resumeId = res.json.id;
  const mine = await L.req('GET', `/api/v1/resumes/${resumeId}`, { token: seeker.token });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.phone, resumeBody.phone);
  assert.equal(mine.json.experience, resumeBody.experience);
  const hex = L.sql(`SELECT hex(name) || hex(phone) || hex(experience) FROM resumes WHERE id = ${resumeId}`);
  for (const v of [resumeBody.name, resumeBody.phone, '川菜馆']) assert.ok(!hex.includes(Buffer.from(v).toString('hex').toUpperCase()), v);
  const pub = await L.req('POST', '/api/v1/resumes', { token: other.token, body: { ...resumeBody, name: '林公开', phone: '13733330002', position: '面点师', years: 3, visibility: 'public' } });
  publicId = pub.json.id;
  assert.equal((await L.req('GET', '/api/v1/me/resumes', { token: seeker.token })).json.items.length, 1);
});

test('C6: before applying, no employer, approved or not, can read the resume', async () => {
  await assertDenied(boss, resumeId, 'an employer not applied to');
  await assertDenied(other, resumeId, 'another seeker');
  await assertDenied(novice, resumeId, 'an unreviewed employer');
  await assertDenied(boss, 999999, 'a resume that does not exist');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'resume.access_denied' AND actor = ${boss.user.id} AND subject = ${seeker.user.id}`), '1');
  assert.equal((await L.req('PATCH', `/api/v1/resumes/${resumeId}`, { token: boss.token, body: { visibility: 'public' } })).status, 404);
  assert.equal((await L.req('DELETE', `/api/v1/resumes/${resumeId}`, { token: boss.token })).status, 404);
});

test('C7/C6: an unreviewed employer cannot search resumes; an approved one finds only public ones, without contacts', async () => {
  const refused = await L.req('GET', '/api/v1/resumes?q=厨', { token: novice.token });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'employer_review_required');
  const found = await L.req('GET', '/api/v1/resumes?city=4401', { token: boss.token });
  assert.equal(found.status, 200);
  assert.deepEqual(found.json.items.map((i) => i.id), [publicId]);
  assert.ok(!found.text.includes('林公开') && !found.text.includes('13733330002'), 'no name or phone in results');
  assert.equal((await L.req('GET', '/api/v1/resumes?q=面点', { token: boss.token })).json.items.length, 1);
  assert.equal((await L.req('GET', '/api/v1/resumes?q=厨师', { token: boss.token })).json.items.length, 0);
  assert.equal((await L.req('GET', '/api/v1/resumes?min_years=4', { token: boss.token })).json.items.length, 0);
  assert.equal((await L.req('GET', '/api/v1/resumes?city=1101', { token: boss.token })).json.items.length, 0);
  // making the seeker's resume public takes effect on the next request
  await L.req('PATCH', `/api/v1/resumes/${resumeId}`, { token: seeker.token, body: { visibility: 'public' } });
  assert.equal((await L.req('GET', '/api/v1/resumes?q=厨师', { token: boss.token })).json.items.length, 1);
  await L.req('PATCH', `/api/v1/resumes/${resumeId}`, { token: seeker.token, body: { visibility: 'applied' } });
  assert.equal((await L.req('GET', '/api/v1/resumes?q=厨师', { token: boss.token })).json.items.length, 0);
});

test('C6/E1: a public resume opened by an approved employer is audited and recorded as a share, once', async () => {
  const res = await L.req('GET', `/api/v1/resumes/${publicId}`, { token: rival.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.name, '林公开');
  await L.req('GET', `/api/v1/resumes/${publicId}`, { token: rival.token });
  const shares = await L.req('GET', '/api/v1/me/shares', { token: other.token });
  const mine = shares.json.items.filter((s) => s.recipient.includes('粤味餐饮有限公司'));
  assert.equal(mine.length, 1, JSON.stringify(shares.json));
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'resume.read' AND actor = ${rival.user.id} AND subject = ${other.user.id}`), '2');
  const reads = await L.req('GET', '/api/v1/me/reads', { token: other.token });
  assert.equal(reads.json.items.filter((i) => i.event === 'resume.read').length, 2, 'F5: the seeker sees each read');
  await assertDenied(novice, publicId, 'public resumes are for approved employers only');
});

test('E5: applying shares the resume with that employer only, recorded as a share', async () => {
  assert.equal((await L.req('POST', `/api/v1/listings/${goodsId}/applications`, { token: seeker.token, body: { resume_id: resumeId } })).json.error.code, 'not_a_job');
  const foreign = await L.req('POST', `/api/v1/listings/${jobId}/applications`, { token: seeker.token, body: { resume_id: publicId } });
  assert.equal(foreign.status, 404, 'someone else\'s resume');
  const res = await L.req('POST', `/api/v1/listings/${jobId}/applications`, { token: seeker.token, body: { resume_id: resumeId } });
  assert.equal(res.status, 201, res.text);
  appId = res.json.id;
  assert.equal((await L.req('POST', `/api/v1/listings/${jobId}/applications`, { token: seeker.token, body: { resume_id: resumeId } })).status, 409);
  const shares = await L.req('GET', '/api/v1/me/shares', { token: seeker.token });
  const s = shares.json.items.find((i) => i.recipient.includes('蜀香餐饮有限公司'));
  assert.ok(s, JSON.stringify(shares.json));
  assert.ok(s.fields.some((f) => f.id === 'resumes.phone' && f.label === '简历中的联系电话'), JSON.stringify(s));
  assert.equal(shares.json.items.filter((i) => i.recipient.includes('粤味')).length, 0, 'no other employer');
  const list = await L.req('GET', `/api/v1/listings/${jobId}/applications`, { token: boss.token });
  assert.equal(list.status, 200);
  assert.equal(list.json.items[0].resume.phone, resumeBody.phone);
  assert.equal((await L.req('GET', `/api/v1/resumes/${resumeId}`, { token: boss.token })).status, 200);
  assert.equal((await L.req('GET', `/api/v1/listings/${jobId}/applications`, { token: rival.token })).status, 404, 'not the rival\'s job');
  await assertDenied(rival, resumeId, 'another employer, though approved');
  await assertDenied(other, resumeId, 'another seeker after the application');
});

test('C11: the employer marks and invites; the seeker accepts and downloads an .ics', async () => {
  assert.equal((await L.req('PATCH', `/api/v1/applications/${appId}`, { token: rival.token, body: { status: 'viewed' } })).status, 404);
  assert.equal((await L.req('PATCH', `/api/v1/applications/${appId}`, { token: boss.token, body: { status: 'hired' } })).status, 422);
  assert.equal((await L.req('PATCH', `/api/v1/applications/${appId}`, { token: boss.token, body: { status: 'viewed' } })).status, 200);
  const start = Math.floor(Date.now() / 1000) + 3 * 86400;
  assert.equal((await L.req('POST', `/api/v1/applications/${appId}/interview`, { token: boss.token, body: { starts_at: 100, place: '天河路1号' } })).status, 422);
  const inv = await L.req('POST', `/api/v1/applications/${appId}/interview`, { token: boss.token, body: { starts_at: start, minutes: 45, place: '广州市天河区天河路1号, 3楼', note: '请带简历; 到前台找王经理' } });
  assert.equal(inv.status, 200, inv.text);
  assert.equal((await L.req('GET', `/api/v1/applications/${appId}/interview.ics`, { token: seeker.token })).status, 404, 'not accepted yet');
  const mine = await L.req('GET', '/api/v1/me/applications', { token: seeker.token });
  assert.equal(mine.json.items[0].status, 'interview');
  assert.equal(mine.json.items[0].interview.status, 'proposed');
  const acc = await L.req('POST', `/api/v1/applications/${appId}/interview/accept`, { token: seeker.token });
  assert.equal(acc.status, 200);
  const ics = await fetch(L.base + acc.json.calendar, { headers: { authorization: `Bearer ${seeker.token}` } });
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  const text = await ics.text();
  assert.ok(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
  assert.ok(text.endsWith('END:VCALENDAR\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'CRLF line endings only');
  assert.match(text, new RegExp(`\r\nUID:interview-${appId}@linli\r\n`));
  assert.match(text, /\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
  const iso = new Date(start * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  assert.ok(text.includes(`\r\nDTSTART:${iso}\r\n`), text);
  assert.ok(text.replace(/\r\n /g, '').includes('LOCATION:广州市天河区天河路1号\\, 3楼'), 'escaped comma');
  assert.ok(text.replace(/\r\n /g, '').includes('DESCRIPTION:请带简历\\; 到前台找王经理'), 'escaped semicolon');
  assert.equal((await L.req('GET', `/api/v1/applications/${appId}/interview.ics`, { token: rival.token })).status, 404);
});

test('C6: after the seeker withdraws, the employer can no longer read the resume', async () => {
  assert.equal((await L.req('POST', `/api/v1/applications/${appId}/withdraw`, { token: boss.token })).status, 404, 'only the seeker withdraws');
  assert.equal((await L.req('POST', `/api/v1/applications/${appId}/withdraw`, { token: seeker.token })).status, 200);
  await assertDenied(boss, resumeId, 'an employer after the withdrawal');
  const list = await L.req('GET', `/api/v1/listings/${jobId}/applications`, { token: boss.token });
  assert.equal(list.json.items[0].status, 'withdrawn');
  assert.equal(list.json.items[0].resume, null);
  assert.ok(!list.text.includes(resumeBody.phone));
  assert.equal((await L.req('GET', `/api/v1/applications/${appId}/interview.ics`, { token: seeker.token })).status, 404);
});

test('C6: after the seeker hides or deletes the resume, the employer it was sent to gets 404', async () => {
  const res = await L.req('POST', `/api/v1/listings/${rivalJobId}/applications`, { token: seeker.token, body: { resume_id: resumeId } });
  assert.equal(res.status, 201);
  assert.equal((await L.req('GET', `/api/v1/resumes/${resumeId}`, { token: rival.token })).status, 200);
  assert.equal((await L.req('PATCH', `/api/v1/resumes/${resumeId}`, { token: seeker.token, body: { visibility: 'hidden' } })).status, 200);
  await assertDenied(rival, resumeId, 'an employer after the resume was hidden');
  assert.equal((await L.req('PATCH', `/api/v1/resumes/${resumeId}`, { token: seeker.token, body: { visibility: 'applied' } })).status, 200);
  assert.equal((await L.req('GET', `/api/v1/resumes/${resumeId}`, { token: rival.token })).status, 200);
  assert.equal((await L.req('DELETE', `/api/v1/resumes/${resumeId}`, { token: seeker.token })).status, 200);
  await assertDenied(rival, resumeId, 'an employer after the resume was deleted');
  assert.equal(L.sql(`SELECT count(*) FROM applications WHERE resume_id = ${resumeId}`), '0');
});
