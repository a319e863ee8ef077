// jobs.test.mjs — the job-seeking pages at 375×812 with JavaScript off: a seeker writes a resume (errors next to the
// field), an employer registers its organisation and uploads the licence, staff read it (audited) and reject it with a
// reason from the list, then approve the resubmission; the employer posts a job, the seeker applies from the job's
// page, the employer reads the resume (audited) and changes the state and proposes an interview, the seeker sees the
// new state and accepts; real-name verification with its own unticked consent, and the withdrawal that erases it; the
// listing reports in the console; an admin publishes a policy version. axe-core on every new page (no serious or
// critical violations); screenshots go to tests/web/artifacts/jobs-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from '../api/lib.mjs';
import { idNumber, creditCode } from '../api/idnum.mjs';
import { web, PHOTO } from './lib.mjs';

const L = new Linli({ sms_interval_s: 0 });
const ctx = {}; // browser contexts: seeker, boss, staff (no JavaScript)
const st = {};  // ids shared by the steps
const SEEKER = '13900000101', BOSS = '13900000102', STAFF = '13900000103';
const CODE = creditCode('91440101MA5C0001X');
const ADULT_ID = idNumber('440106', '19900307');
const { launch, stop, newContext, axe, shot, signInPage } = web(L, { prefix: 'jobs-', context: { acceptDownloads: true } });

const count = (q) => Number(L.sql(q));

before(async () => {
  await L.start();
  await launch();
  for (const k of ['seeker', 'boss', 'staff']) ctx[k] = await newContext();
  const pages = await Promise.all(['seeker', 'boss', 'staff'].map((k) => ctx[k].newPage()));
  for (const [i, phone] of [SEEKER, BOSS, STAFF].entries()) await signInPage(pages[i], phone);
  await Promise.all(pages.map((p) => p.close()));
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'moderator').code, 0);
});

after(stop);

test('C6, G1: a seeker writes a resume from 我的 — the error next to its field, every field kept, visibility chosen', async () => {
  const p = await ctx.seeker.newPage();
  await p.goto(L.base + '/me');
  await p.click('#link-resume');
  await p.waitForURL(/\/me\/resume$/);
  assert.equal(await p.locator('#no-resume').count(), 1);
  await axe(ctx.seeker, '/me/resume');
  await p.click('#new-resume');
  await p.waitForURL(/\/me\/resume\/new$/);
  assert.equal(await p.locator('#vis-applied').isChecked(), true, 'only employers applied to, by default');
  await axe(ctx.seeker, '/me/resume/new');
  await p.fill('#r-name', '陈求职');
  await p.fill('#r-phone', '12345');
  await p.fill('#r-email', 'chen@example.cn');
  await p.fill('#r-position', '厨师');
  await p.fill('#r-years', '6');
  await p.fill('#r-salary', '8000-10000元/月');
  await p.fill('#r-education', '2012-2015 广州市旅游职业学校\r\n烹饪专业');
  await p.fill('#r-experience', '2016-2022 川菜馆 厨师');
  await p.selectOption('#r-city', '4401');
  await p.click('#save-resume');
  assert.match(await p.locator('#r-phone-error').innerText(), /请填写正确的手机号码/);
  assert.equal(await p.locator('#r-phone').getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator('#r-name').inputValue(), '陈求职', 'what was typed is kept');
  assert.equal(count('SELECT count(*) FROM resumes'), 0, 'nothing saved');
  await shot(p, 'resume-error');
  await p.fill('#r-phone', '13733330001');
  await p.check('#vis-public');
  await p.click('#save-resume');
  await p.waitForURL(/\/me\/resume\/\d+\?done=created$/);
  st.resume = Number(p.url().match(/resume\/(\d+)/)[1]);
  assert.equal(L.sql(`SELECT visibility || ' ' || position || ' ' || city || ' ' || years || ' ' || typeof(name) FROM resumes WHERE id = ${st.resume}`),
    'public 厨师 4401 6 blob', 'coarse fields in clear, the rest sealed');
  assert.equal(await p.locator('#r-experience').inputValue(), '2016-2022 川菜馆 厨师');
  assert.equal(await p.locator('#r-education').inputValue(), '2012-2015 广州市旅游职业学校\n烹饪专业', 'CRLF kept as LF');
  assert.equal(await p.locator('#vis-public').isChecked(), true);
  // a change: clearing an optional field deletes it, back to "employers applied to"
  await p.fill('#r-email', '');
  await p.check('#vis-applied');
  await p.click('#save-resume');
  await p.waitForURL(/done=saved$/);
  assert.equal(await p.locator('#r-email').inputValue(), '');
  assert.equal(L.sql(`SELECT visibility || ' ' || (email IS NULL) FROM resumes WHERE id = ${st.resume}`), 'applied 1');
  await shot(p, 'resume');
  await axe(ctx.seeker, `/me/resume/${st.resume}`);
  // a second resume, then deleted from its page
  await p.goto(L.base + '/me/resume/new');
  for (const [id, v] of [['#r-name', '陈求职'], ['#r-phone', '13733330001'], ['#r-position', '帮厨'], ['#r-years', '0']]) await p.fill(id, v);
  await p.selectOption('#r-city', '4401');
  await p.click('#save-resume');
  await p.waitForURL(/done=created$/);
  await p.click('#delete-resume');
  await p.waitForURL(/\/me\/resume\?done=deleted$/);
  assert.equal(await p.locator('#resumes li').count(), 1);
  assert.equal(count('SELECT count(*) FROM resumes'), 1);
  await p.close();
});

test('C7, F5: an employer registers its organisation; staff read it (audited), reject with a listed reason, approve the resubmission', async () => {
  const b = await ctx.boss.newPage();
  await b.goto(L.base + '/me');
  await b.click('#link-org');
  await b.waitForURL(/\/me\/org$/);
  await axe(ctx.boss, '/me/org');
  await b.fill('#org-name', '蜀香餐饮有限公司');
  await b.fill('#org-code', CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0'));
  await b.click('#org-submit');
  assert.match(await b.locator('#credit_code-error').innerText(), /校验位不对/);
  assert.equal(count('SELECT count(*) FROM organizations'), 0);
  await b.fill('#org-code', CODE);
  await b.click('#org-submit');
  await b.waitForURL(/done=submitted$/);
  assert.equal(await b.locator('#org-status').getAttribute('data-status'), 'pending');
  await b.setInputFiles('#licence-file', PHOTO);
  await b.click('#licence-submit');
  await b.waitForURL(/done=licence$/);
  st.org = Number(L.sql('SELECT id FROM organizations'));
  await shot(b, 'org-pending');

  const s = await ctx.staff.newPage();
  await s.goto(L.base + '/staff');
  await s.click('.console-nav a[href="/staff/orgs"]');
  await s.waitForURL(/\/staff\/orgs$/);
  await axe(ctx.staff, '/staff/orgs');
  assert.equal(await s.locator(`.org-item[data-id="${st.org}"]`).count(), 1);
  assert.ok(!(await s.content()).includes(CODE), 'the code is not on the queue');
  await s.click(`#read-${st.org}`);
  assert.equal(await s.locator('#shown-code').innerText(), CODE);
  assert.match(await s.locator('#shown img.licence').getAttribute('src'), /^data:image\/jpeg;base64,/);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read' AND detail LIKE '%"organization":${st.org}%'`), 2,
    'the credit code and the licence reads are each audited');
  await shot(s, 'staff-org-read');
  await s.click(`#reject-${st.org}`);
  assert.match(await s.locator('#staff-error').innerText(), /选择一个原因/);
  assert.equal(L.sql(`SELECT status FROM organizations WHERE id = ${st.org}`), 'pending', 'no reason, no decision');
  await s.selectOption(`#reason-${st.org}`, 'name_mismatch');
  await s.click(`#reject-${st.org}`);
  await s.waitForURL(/done=reject$/);

  await b.goto(L.base + '/me/org');
  assert.equal(await b.locator('#org-status').getAttribute('data-status'), 'rejected');
  assert.equal(await b.locator('#org-reason').innerText(), '单位名称与营业执照登记名称不符');
  await shot(b, 'org-rejected');
  await axe(ctx.boss, '/me/org');
  assert.equal(await b.locator('#org-code').inputValue(), CODE, 'the owner sees the code to correct the form');
  await b.fill('#org-name', '广州蜀香餐饮有限公司');
  await b.click('#org-submit');
  await b.waitForURL(/done=submitted$/);

  await s.goto(L.base + '/staff/orgs');
  await s.click(`#approve-${st.org}`);
  await s.waitForURL(/done=approve$/);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'organization.reviewed'`), 2);
  await b.goto(L.base + '/me/org');
  assert.equal(await b.locator('#org-status').innerText(), '已通过审核');
  await b.close();
  await s.close();
});

test('B1, B2: the approved employer posts a job from the generated form', async () => {
  const b = await ctx.boss.newPage();
  await b.goto(L.base + '/post?category=jobs&city=4401');
  await b.selectOption('#subcategory', 'fulltime');
  await b.fill('#title', '川菜馆招聘厨师');
  await b.fill('#f-position', '厨师');
  await b.fill('#price', '9000');
  await b.fill('#description', '包吃住，月休四天。');
  await b.click('button.primary');
  await b.waitForURL(/\/me\/listings\/\d+\?done=posted$/);
  st.job = Number(b.url().match(/listings\/(\d+)/)[1]);
  assert.equal(await b.locator('#status').getAttribute('data-status'), 'published');
  await b.close();
});

test('E5, C6: the seeker applies from the job page with the resume, sees that they applied and the application listed', async () => {
  const p = await ctx.seeker.newPage();
  await p.goto(L.base + `/l/${st.job}`);
  assert.equal(await p.locator(`#resume-${st.resume}`).isChecked(), true);
  await axe(ctx.seeker, `/l/${st.job}`);
  await shot(p, 'apply');
  await p.click('#apply-submit');
  await p.waitForURL(new RegExp(`/l/${st.job}\\?done=applied#apply$`));
  assert.match(await p.locator('#applied').innerText(), /当前状态：已投递/);
  assert.equal(await p.locator('#apply-submit').count(), 0, 'no second application from the page');
  st.app = Number(L.sql('SELECT id FROM applications'));
  assert.equal(count(`SELECT count(*) FROM shares WHERE recipient LIKE '招聘方：广州蜀香餐饮有限公司%'`), 1, 'recorded as a share (E1)');
  await p.goto(L.base + '/me');
  await p.click('#link-applications');
  await p.waitForURL(/\/me\/applications$/);
  assert.match(await p.locator(`#app-${st.app} .app-state`).innerText(), /已投递/);
  await axe(ctx.seeker, '/me/applications');
  await p.close();
});

test('C6, E5, C11: the employer reads the resume (audited), changes the state, proposes an interview; the seeker sees it and accepts', async () => {
  const b = await ctx.boss.newPage();
  await b.goto(L.base + '/me');
  await b.click('#link-hiring');
  await b.waitForURL(/\/me\/hiring$/);
  await axe(ctx.boss, '/me/hiring');
  const reads = count(`SELECT count(*) FROM audit_log WHERE event = 'resume.read'`);
  await b.click(`a[href="/me/hiring/${st.job}"]`);
  await b.waitForURL(new RegExp(`/me/hiring/${st.job}$`));
  assert.equal(await b.locator(`#app-${st.app} .r-name`).innerText(), '陈求职');
  assert.match(await b.locator(`#app-${st.app} .resume`).innerText(), /13733330001/);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'resume.read'`), reads + 1, 'the read is audited, as the API\'s');
  await axe(ctx.boss, `/me/hiring/${st.job}`);
  await b.selectOption(`#status-${st.app}`, 'viewed');
  await b.click(`#mark-${st.app}`);
  await b.waitForURL(/done=marked/);
  assert.equal(await b.locator(`#app-${st.app}`).getAttribute('data-status'), 'viewed');

  const s = await ctx.seeker.newPage();
  await s.goto(L.base + '/me/applications');
  assert.equal(await s.locator(`#app-${st.app} .app-state`).innerText(), '招聘方已查看');

  // an interview: a time in the past is refused next to its field, then a real one
  await b.click(`#app-${st.app} .propose summary`);
  await b.fill(`#starts-${st.app}`, '2020-01-01T10:00');
  await b.fill(`#place-${st.app}`, '天河区体育西路1号');
  await b.click(`#propose-${st.app}`);
  assert.match(await b.locator(`#p-error-${st.app}`).innerText(), /将来的面试时间/);
  assert.equal(await b.locator(`#starts-${st.app}`).getAttribute('aria-invalid'), 'true');
  const soon = new Date(Date.now() + 8 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 11) + '15:30';
  await b.fill(`#starts-${st.app}`, soon);
  await b.click(`#propose-${st.app}`);
  await b.waitForURL(/done=proposed/);
  assert.match(await b.locator(`#app-${st.app} .interview`).innerText(), /15:30/);
  await shot(b, 'hiring');

  await s.goto(L.base + '/me/applications');
  assert.equal(await s.locator(`#app-${st.app} .app-state`).innerText(), '邀请面试');
  assert.match(await s.locator(`#app-${st.app} .interview`).innerText(), /天河区体育西路1号/);
  await s.click(`#app-${st.app} button[value="accept"]`);
  await s.waitForURL(/done=accepted/);
  const ics = await s.locator(`#app-${st.app} a[download]`).getAttribute('href');
  const cal = await s.request.get(L.base + ics);
  assert.equal(cal.status(), 200);
  assert.match(await cal.text(), /BEGIN:VEVENT/);
  await shot(s, 'applications');
  await axe(ctx.seeker, '/me/applications');

  // finally the employer turns it down; the seeker sees that too
  await b.selectOption(`#status-${st.app}`, 'rejected');
  await b.click(`#mark-${st.app}`);
  await b.waitForURL(/done=marked/);
  await s.goto(L.base + '/me/applications');
  assert.equal(await s.locator(`#app-${st.app} .app-state`).innerText(), '不合适');
  await b.close();
  await s.close();
});

test('C1, G3: verification asks for its own consent, never pre-ticked; a refused attempt keeps nothing; withdrawing erases it', async () => {
  const p = await ctx.seeker.newPage();
  await p.goto(L.base + '/me');
  await p.click('#link-verify');
  await p.waitForURL(/\/me\/verify$/);
  assert.equal(await p.locator('#consent').isChecked(), false, 'the consent box is not ticked');
  await axe(ctx.seeker, '/me/verify');
  const consents = () => L.sql(`SELECT ifnull(group_concat(granted), '') FROM consents WHERE purpose = 'sensitive_identity'`);

  await p.fill('#v-name-input', '陈求职');
  await p.fill('#v-id-input', ADULT_ID);
  await p.click('#verify-submit');
  assert.match(await p.locator('#consent-error').innerText(), /单独同意/);
  assert.equal(consents(), '', 'no consent recorded');
  assert.equal(await p.locator('#consent').isChecked(), false, 'still not ticked after an error');

  await p.fill('#v-id-input', ADULT_ID.slice(0, 17) + (ADULT_ID[17] === '1' ? '2' : '1'));
  await p.check('#consent');
  await p.click('#verify-submit');
  assert.match(await p.locator('#id_number-error').innerText(), /校验码不对/);
  assert.equal(count('SELECT count(*) FROM verifications'), 0);
  assert.equal(consents(), '1,0', 'the consent of a refused attempt is taken back');
  await shot(p, 'verify-error');

  await p.fill('#v-id-input', ADULT_ID);
  await p.check('#consent');
  await p.click('#verify-submit');
  await p.waitForURL(/done=verified$/);
  assert.equal(count('SELECT count(*) FROM verifications'), 1);
  const shown = await p.locator('#result').innerText();
  assert.match(shown, /已实名/);
  assert.ok(!shown.includes(ADULT_ID) && !(await p.content()).includes(ADULT_ID), 'the ID number only masked, even to its owner');
  assert.match(await p.locator('#v-id').innerText(), /\*{4}/);
  await shot(p, 'verified');
  await axe(ctx.seeker, '/me/verify');

  await p.click('#withdraw-submit');
  await p.waitForURL(/done=withdrawn$/);
  assert.equal(count('SELECT count(*) FROM verifications'), 0, 'erased with the withdrawal');
  assert.equal(consents(), '1,0,1,0');
  assert.equal(await p.locator('#verify-form').count(), 1, 'may verify again');
  await p.close();
});

test('B13: the console lists the listing reports with their reasons, without the reporters', async () => {
  const p = await ctx.seeker.newPage();
  await p.goto(L.base + `/l/${st.job}`);
  await p.click('#report summary');
  await p.selectOption('#reason', 'fraud');
  await p.click('#report button');
  assert.match(await p.locator('#reported').innerText(), /已收到您的举报/);
  await p.close();
  const s = await ctx.staff.newPage();
  await s.goto(L.base + '/staff');
  await s.click('.console-nav a[href="/staff/reports"]');
  const row = s.locator(`#reports tr[data-id="${st.job}"]`);
  assert.match(await row.innerText(), /川菜馆招聘厨师/);
  assert.match(await row.innerText(), /虚假信息或诈骗/);
  assert.ok(!(await s.content()).includes(SEEKER.slice(-4)), 'no reporter named');
  await shot(s, 'staff-reports');
  await axe(ctx.staff, '/staff/reports');
  await s.close();
});

test('H3, H4, F5: an admin publishes a policy version from the console (a moderator may not); a major one asks for re-consent', async () => {
  const s = await ctx.staff.newPage();
  const refused = await s.goto(L.base + '/staff/policy');
  assert.equal(refused.status(), 403, 'a moderator is not an admin');
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'admin').code, 0);
  await s.goto(L.base + '/staff');
  await s.click('.console-nav a[href="/staff/policy"]');
  await s.waitForURL(/\/staff\/policy$/);
  await axe(ctx.staff, '/staff/policy');
  await s.fill('#p-version', '1.1');
  await s.fill('#p-summary', '补充说明招聘功能中简历的共享方式');
  await s.click('#publish');
  assert.match(await s.locator('#kind-error').innerText(), /重大变更还是一般变更/);
  assert.equal(await s.locator('#p-version').inputValue(), '1.1');
  await s.check('#kind-minor');
  await s.click('#publish');
  await s.waitForURL(/done=published$/);
  assert.match(await s.locator('#versions li').first().innerText(), /1\.1 · 一般变更 .*当前版本/s);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'policy.published'`), 1);
  assert.equal((await (await s.request.get(L.base + '/api/v1/policy')).json()).version, '1.1');
  await s.fill('#p-version', '1.1');
  await s.check('#kind-minor');
  await s.fill('#p-summary', '重复');
  await s.click('#publish');
  assert.match(await s.locator('#version-error').innerText(), /已经用过/);
  await shot(s, 'staff-policy');

  await s.fill('#p-version', '2.0');
  await s.check('#kind-major');
  await s.fill('#p-summary', '新增招聘方资质审核说明');
  await s.click('#publish');
  await s.waitForURL(/\/consent$/); // published, and the admin too must accept the major version before going on
  assert.equal(L.sql('SELECT version FROM policy_versions ORDER BY id DESC LIMIT 1'), '2.0');
  const p = await ctx.seeker.newPage();
  await p.goto(L.base + '/me/resume');
  assert.match(p.url(), /\/consent$/, 'the seeker is asked to accept the major version first');
  await p.close();
  await s.close();
});
