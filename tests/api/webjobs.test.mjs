// webjobs.test.mjs — the job pages over plain HTTP (no browser): a form without its CSRF token, with a wrong one or
// from another site changes nothing (F4); someone else's resume, application or job is the 404 page, a denied resume
// read is audited and nothing is written (C6, E5); the console's pages refuse anyone without the role (F5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli();
let seeker, other, boss, rival, mod;
let resumeId, jobId, rivalJobId, appId;

const resumeBody = { name: '陈求职', phone: '13744440001', position: '厨师', city: 4401, years: 6, experience: '2016-2022 川菜馆' };
const job = (phone, title) => ({ category: 'jobs', title, description: '包吃住', city: 4401, contact_phone: phone, fields: { position: '厨师' } });
const cookieOf = (who) => who.cookie.split(';')[0];

// A page as a browser gets it: its form's csrf token and the linli_csrf cookie that goes with it.
async function formOf(who, path) {
  const res = await fetch(L.base + path, { headers: { cookie: cookieOf(who) }, redirect: 'manual' });
  const text = await res.text();
  const csrf = text.match(/name="csrf" value="([^"]+)"/)?.[1];
  const c = res.headers.get('set-cookie')?.match(/linli_csrf=[^;]+/)?.[0];
  assert.ok(csrf && c, `${path}: a form with its token`);
  return { csrf, cookie: `${cookieOf(who)}; ${c}` };
}

// Posts a urlencoded form without following the redirect; {status, text, location}.
async function post(path, fields, cookie, headers = {}) {
  const res = await fetch(L.base + path, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields).toString(),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location'), type: res.headers.get('content-type') };
}

async function get(who, path) {
  const res = await fetch(L.base + path, { headers: { cookie: cookieOf(who) }, redirect: 'manual' });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

const count = (q) => Number(L.sql(q));
const resumeForm = { name: '林新', phone: '13744440002', position: '帮厨', years: '1', city: '4401', visibility: 'applied' };

before(async () => {
  await L.start();
  [seeker, other, boss, rival, mod] = await Promise.all(['13744440001', '13744440002', '13744440003', '13744440004',
    '13744440005'].map((p) => L.signIn(p)));
  assert.equal(run(L.dir, 'staff', 'grant', '13744440005', 'moderator').code, 0);
  resumeId = (await L.req('POST', '/api/v1/resumes', { token: seeker.token, body: resumeBody })).json.id;
  jobId = (await L.req('POST', '/api/v1/listings', { token: boss.token, body: job('13744440003', '招聘川菜厨师') })).json.id;
  rivalJobId = (await L.req('POST', '/api/v1/listings', { token: rival.token, body: job('13744440004', '招聘粤菜厨师') })).json.id;
  const app = await L.req('POST', `/api/v1/listings/${jobId}/applications`, { token: seeker.token, body: { resume_id: resumeId } });
  assert.equal(app.status, 201, app.text);
  appId = app.json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('F4, C6: a page form without its CSRF token, with a wrong one, or from another site writes nothing', async () => {
  const f = await formOf(other, '/me/resume/new');
  const tampered = f.csrf.slice(0, -1) + (f.csrf.endsWith('A') ? 'B' : 'A');
  for (const [fields, cookie, headers, why] of [
    [resumeForm, f.cookie, {}, 'no token'],
    [{ ...resumeForm, csrf: tampered }, f.cookie, {}, 'a wrong token'],
    [{ ...resumeForm, csrf: f.csrf }, cookieOf(other), {}, 'no csrf cookie'],
    [{ ...resumeForm, csrf: f.csrf }, f.cookie, { origin: 'http://evil.example' }, 'another site']]) {
    const res = await post('/me/resume', fields, cookie, headers);
    assert.equal(res.status, 403, why);
    assert.match(res.type, /^text\/html/, `${why}: a page, not JSON`);
    assert.equal(count(`SELECT count(*) FROM resumes WHERE user_id = ${other.user.id}`), 0, `${why}: nothing written`);
  }
  const ok = await post('/me/resume', { ...resumeForm, csrf: f.csrf }, f.cookie);
  assert.equal(ok.status, 303, ok.text);
  assert.match(ok.location, /^\/me\/resume\/\d+\?done=created$/);
  assert.equal(count(`SELECT count(*) FROM resumes WHERE user_id = ${other.user.id}`), 1);

  // withdrawing a consent and a staff decision need the token too
  const v = await post('/me/verify/withdraw', {}, f.cookie);
  assert.equal(v.status, 403);
  const s = await post(`/staff/orgs/1/decide`, { decision: 'approve' }, (await formOf(mod, '/me/resume/new')).cookie);
  assert.equal(s.status, 403);
});

test('C6: someone else\'s resume is the 404 page, the read is audited as denied, and nothing changes', async () => {
  const denied = () => count(`SELECT count(*) FROM audit_log WHERE event = 'resume.access_denied'`);
  const reads = () => count(`SELECT count(*) FROM audit_log WHERE event = 'resume.read'`);
  for (const who of [other, boss]) { // boss received the resume with an application: still not its edit page
    const [d, rd] = [denied(), reads()];
    const res = await get(who, `/me/resume/${resumeId}`);
    assert.equal(res.status, 404);
    assert.match(res.type, /^text\/html/);
    assert.ok(!res.text.includes('陈求职') && !res.text.includes('13744440001') && !res.text.includes('川菜馆'));
    assert.equal(denied(), d + 1, 'one access-denied entry');
    assert.equal(reads(), rd, 'no resume read recorded: nothing was opened');
  }
  assert.equal((await get(other, '/me/resume/999999')).status, 404, 'one that does not exist: the same page');
  const before = L.sql(`SELECT hex(name) || updated_at FROM resumes WHERE id = ${resumeId}`);
  const f = await formOf(other, '/me/resume/new');
  const upd = await post(`/me/resume/${resumeId}`, { ...resumeForm, csrf: f.csrf }, f.cookie);
  assert.equal(upd.status, 404);
  const del = await post(`/me/resume/${resumeId}/delete`, { csrf: f.csrf }, f.cookie);
  assert.equal(del.status, 404);
  assert.equal(L.sql(`SELECT hex(name) || updated_at FROM resumes WHERE id = ${resumeId}`), before, 'unchanged');
  // a bad form for someone else's resume is still only a 404, before any field is looked at
  assert.equal((await post(`/me/resume/${resumeId}`, { csrf: f.csrf }, f.cookie)).status, 404);
  // the owner's own edit page opens
  const own = await get(seeker, `/me/resume/${resumeId}`);
  assert.equal(own.status, 200);
  assert.ok(own.text.includes('川菜馆'));
});

test('C6, E5: someone else\'s job or application is the 404 page and nothing changes', async () => {
  const state = () => L.sql(`SELECT status || updated_at FROM applications WHERE id = ${appId}`);
  const reads = () => count(`SELECT count(*) FROM audit_log WHERE event = 'resume.read'`);
  const before = state(), r0 = reads();
  const rv = await get(rival, `/me/hiring/${jobId}`);
  assert.equal(rv.status, 404, 'another employer\'s job');
  assert.ok(!rv.text.includes('陈求职'));
  assert.equal((await get(seeker, `/me/hiring/${jobId}`)).status, 404, 'the applicant is not the employer');
  assert.equal(reads(), r0, 'no resume opened');
  const fr = await formOf(rival, '/me/resume/new');
  for (const path of [`/me/hiring/${jobId}/applications/${appId}`, `/me/hiring/${rivalJobId}/applications/${appId}`])
    assert.equal((await post(path, { status: 'rejected', csrf: fr.csrf }, fr.cookie)).status, 404, path);
  assert.equal((await post(`/me/hiring/${rivalJobId}/applications/${appId}/interview`,
    { starts_at: '2099-01-01T10:00', minutes: '60', place: '天河区', csrf: fr.csrf }, fr.cookie)).status, 404);
  const fb = await formOf(boss, '/me/resume/new');
  assert.equal((await post(`/me/applications/${appId}/withdraw`, { csrf: fb.csrf }, fb.cookie)).status, 404, 'only the seeker withdraws');
  assert.equal((await post(`/me/applications/${appId}/interview`, { answer: 'accept', csrf: fb.csrf }, fb.cookie)).status, 404);
  assert.equal(state(), before, 'the application is unchanged');
  assert.equal(count(`SELECT count(*) FROM interviews`), 0);
  // its own employer may: the state changes and the resume read is audited
  const ok = await post(`/me/hiring/${jobId}/applications/${appId}`, { status: 'viewed', csrf: fb.csrf }, fb.cookie);
  assert.equal(ok.status, 303);
  assert.equal(L.sql(`SELECT status FROM applications WHERE id = ${appId}`), 'viewed');
  const page = await get(boss, `/me/hiring/${jobId}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('陈求职'));
  assert.equal(reads(), r0 + 1);
});

test('E5: applying with someone else\'s resume is the 404 page (audited) and sends nothing', async () => {
  const f = await formOf(other, `/l/${rivalJobId}`);
  const shares = count('SELECT count(*) FROM shares');
  const res = await post(`/l/${rivalJobId}/apply`, { resume_id: String(resumeId), csrf: f.csrf }, f.cookie);
  assert.equal(res.status, 404, res.text);
  assert.equal(count('SELECT count(*) FROM shares'), shares);
  assert.equal(count(`SELECT count(*) FROM applications WHERE listing_id = ${rivalJobId}`), 0);
  const none = await post(`/l/${rivalJobId}/apply`, { csrf: f.csrf }, f.cookie);
  assert.equal(none.status, 400, 'no resume chosen');
});

test('F5: the console pages refuse anyone without the role; publishing a policy needs the admin role', async () => {
  for (const path of ['/staff/orgs', '/staff/reports', '/staff/policy']) {
    const res = await get(seeker, path);
    assert.equal(res.status, 403, path);
    assert.match(res.text, /没有权限/);
  }
  assert.equal((await get(mod, '/staff/orgs')).status, 200);
  assert.equal((await get(mod, '/staff/reports')).status, 200);
  assert.equal((await get(mod, '/staff/policy')).status, 403, 'a moderator is not an admin');
  const f = await formOf(mod, '/me/resume/new');
  const res = await post('/staff/policy', { version: '9.9', kind: 'minor', summary: '试图发布', csrf: f.csrf }, f.cookie);
  assert.equal(res.status, 403);
  assert.equal(count(`SELECT count(*) FROM policy_versions WHERE version = '9.9'`), 0);
});

test('F4: a page with several forms on a first visit sets one CSRF cookie, and each form token fits it', async () => {
  const res = await fetch(L.base + '/me', { headers: { cookie: cookieOf(seeker) }, redirect: 'manual' });
  assert.equal(res.status, 200);
  const set = res.headers.getSetCookie().filter((c) => c.startsWith('linli_csrf='));
  const html = await res.text();
  const tokens = [...html.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(tokens.length >= 2, `the page has ${tokens.length} forms`);
  assert.equal(set.length, 1, `one CSRF cookie, got ${set.length}`);
  assert.equal(new Set(tokens).size, 1, 'every form carries the token of that cookie');
});
