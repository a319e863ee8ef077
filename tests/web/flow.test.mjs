// flow.test.mjs — a person's whole journey through the pages, at 375×812 with JavaScript switched off (the pages
// must not need it): sign up with a code from the SMS outbox, post a listing from the category's generated form
// (validation next to the field), add a photo; another person finds it by a two-character keyword, reveals the
// contact (B12), reports it once, clears footprints (G2), switches a consent purpose (G3), downloads the data (G5),
// cancels the account with an SMS code (G4); staff moderate a held listing (B13) and read verification data
// audited (F5); a major policy change asks for re-consent (H3); the statistics chart is inline SVG (D4).
// axe-core runs on every page (no serious or critical violations); screenshots go to tests/web/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linli, run } from '../api/lib.mjs';
import { web, PHOTO } from './lib.mjs';

// several codes a minute for one number (sign-in, then cancel); statistics published from 2 listings by 2 people
const L = new Linli({ sms_interval_s: 0, stats_k: 2 });
const ctx = {}; // browser contexts: seller, buyer, staff (no JavaScript), and jsSeller
const st = {};  // ids and phones shared by the steps
const SELLER = '13900000001', BUYER = '13900000002', STAFF = '13900000003';
const { cspErrors, watch, launch, stop, newContext, axe, shot, signInPage } = web(L, { context: { acceptDownloads: true } });

before(async () => {
  await L.start();
  await launch();
  for (const k of ['seller', 'buyer', 'staff']) ctx[k] = await newContext();
});

after(stop);

test('sign up with a code from the outbox; a signed-out visit to 我的 asks to sign in and comes back', async () => {
  const p = await ctx.seller.newPage();
  await p.goto(L.base + '/me');
  assert.match(p.url(), /\/login\?next=\/me$/, 'sent to sign in');
  await p.fill('#phone', SELLER);
  await p.click('button[formaction="/login/code"]');
  const code = L.lastCode(SELLER);
  assert.match(code, /^\d{6}$/);
  await p.fill('#code', code);
  await p.check('#accept');
  await p.click('button.primary');
  await p.waitForURL(L.base + '/me');
  assert.equal(await p.locator('h1').innerText(), '我的');
  assert.match(await p.locator('.meta-line').innerText(), /139\*\*\*\*0001/, 'the phone is shown masked');
  await shot(p, 'me-new');
  await axe(ctx.seller, '/me');
  await p.close();
});

test('B1-B7: post a listing from the generated form, errors next to their field, then the review state', async () => {
  const p = await ctx.seller.newPage();
  await p.goto(L.base + '/');
  await p.click('.site-header a[href="/post"]');
  assert.equal(await p.locator('.choices input[type=radio]').count(), 6, 'six categories');
  await shot(p, 'post-pick');
  await axe(ctx.seller, '/post');
  await p.check('#cat-services', { force: true });
  await p.selectOption('#city', '4401');
  await p.click('button.primary');
  await p.waitForURL(/\/post\?category=services&city=4401$/);
  // the category's declared fields, with the declared labels
  assert.equal(await p.locator('label[for="f-service_area"]').innerText(), '服务范围 （必填）');
  assert.equal(await p.locator('#contact_phone').inputValue(), SELLER, 'the account phone prefilled');
  assert.ok(await p.locator('#district option', { hasText: '天河区' }).count(), 'districts of the chosen city');
  await shot(p, 'post-form');
  await axe(ctx.seller, '/post?category=services&city=4401');

  // one web-level error (price) and, once fixed, the domain's (service area too short) — each next to its field
  await p.selectOption('#subcategory', 'moving');
  await p.fill('#title', '越秀搬家 小面包车');
  await p.fill('#price', '两百');
  await p.fill('#f-service_area', '越秀');
  await p.fill('#f-address', '广州市越秀区中山五路');
  await p.selectOption('#district', '440104');
  await p.fill('#description', '同城搬家，\r\n周末也可以。');
  await p.click('button.primary');
  assert.match(await p.locator('#price-error').innerText(), /请填写金额/);
  assert.equal(await p.locator('#price').getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator('#title').inputValue(), '越秀搬家 小面包车', 'what was typed is kept');
  assert.equal(Number(L.sql('SELECT count(*) FROM listings')), 0, 'nothing saved');
  await p.fill('#price', '250');
  await p.fill('#f-service_area', '越');
  await p.click('button.primary');
  assert.match(await p.locator('#f-service_area-error').innerText(), /服务范围须为 2 到 50 个字/);
  await shot(p, 'post-error');
  await p.fill('#f-service_area', '越秀 海珠');
  await p.click('button.primary');
  await p.waitForURL(/\/me\/listings\/\d+\?done=posted$/);
  st.listing = Number(p.url().match(/listings\/(\d+)/)[1]);
  assert.equal(await p.locator('#status').getAttribute('data-status'), 'published');
  assert.equal(await p.locator('#status').innerText(), '已发布');
  assert.equal(L.sql(`SELECT price_fen || ' ' || district || ' ' || instr(description, char(13)) FROM listings WHERE id = ${st.listing}`),
    '25000 440104 0', 'yuan to fen, district kept, CRLF made LF');
  await axe(ctx.seller, `/me/listings/${st.listing}`);
  await p.close();
});

test('B11: add a photo with the upload form (CSRF part checked), shown with its thumbnail; JS preview before upload', async () => {
  const p = await ctx.seller.newPage();
  await p.goto(L.base + `/me/listings/${st.listing}`);
  await p.setInputFiles('#photo', PHOTO);
  await p.click('form.upload button');
  await p.waitForURL(/done=photo$/);
  assert.equal(await p.locator('.photos.manage img').count(), 1);
  const src = await p.locator('.photos.manage img').getAttribute('src');
  assert.match(src, /^\/photos\/[0-9a-f]{32}_t\.jpg$/);
  assert.equal((await p.request.get(L.base + src)).status(), 200);
  await shot(p, 'my-listing');

  // without its csrf part the upload is refused and nothing is stored
  const form = new FormData();
  form.append('photo', new Blob([readFileSync(PHOTO)], { type: 'image/jpeg' }), 'x.jpg');
  const cookie = (await ctx.seller.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const forged = await fetch(L.base + `/me/listings/${st.listing}/photos`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  assert.equal(forged.status, 403);
  assert.equal(L.sql(`SELECT count(*) FROM listing_photos`), '1');

  // with JavaScript, the chosen photo is previewed (a data: URL, allowed by the CSP) before anything is sent
  const js = await newContext(true);
  await js.addCookies(await ctx.seller.cookies());
  const q = await js.newPage();
  watch(q);
  await q.goto(L.base + `/me/listings/${st.listing}`);
  assert.equal(await q.locator('#photo-preview').isVisible(), false);
  await q.setInputFiles('#photo', PHOTO);
  await q.waitForSelector('#photo-preview:not([hidden])');
  assert.match(await q.locator('#photo-preview').getAttribute('src'), /^data:image\/jpeg;base64,/);
  await shot(q, 'photo-preview');
  await js.close();
  assert.deepEqual(cspErrors, []);
});

test('B12: another person finds it by a two-character keyword, reveals the contact (audited), reports it once', async () => {
  const p = await ctx.buyer.newPage();
  await signInPage(p, BUYER);
  await p.fill('#q', '越秀');
  await p.click('.search-box button');
  await p.waitForURL(/\/s\?q=/);
  await p.click(`.card[data-id="${st.listing}"] a`);
  await p.waitForURL(new RegExp(`/l/${st.listing}$`));
  assert.equal(await p.locator('.photos img').count(), 1, 'the photo is on the page');
  const masked = await p.locator('.contact').innerText();
  assert.ok(!masked.includes(SELLER), 'masked until revealed');
  await axe(ctx.buyer, `/l/${st.listing}`);
  await p.click('#reveal');
  assert.match(await p.locator('#revealed').innerText(), new RegExp(SELLER));
  assert.match(await p.locator('#revealed').innerText(), /中山五路/, 'the full address too');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'listing.contact_revealed'`), '1');
  await shot(p, 'listing-revealed');

  await p.click('#report summary');
  await p.selectOption('#reason', 'spam');
  await p.click('#report button');
  assert.match(await p.locator('#reported').innerText(), /已收到您的举报/);
  await p.click('#report summary');
  await p.selectOption('#reason', 'fraud');
  await p.click('#report button');
  assert.match(await p.locator('#report-error').innerText(), /只能举报一次/);
  assert.equal(L.sql(`SELECT count(*) FROM listing_reports WHERE listing_id = ${st.listing}`), '1');
  await p.close();
});

test('F5: the seller sees who read their data', async () => {
  const p = await ctx.seller.newPage();
  await p.goto(L.base + '/me#data');
  assert.match(await p.locator('.reads').innerText(), /登录用户：有登录用户查看了您发布信息中的完整联系方式/);
  await p.close();
});

test('G2, G3: footprints and search history listed and cleared; one switch per consent purpose', async () => {
  const p = await ctx.buyer.newPage();
  await p.goto(L.base + '/me');
  assert.match(await p.locator('#footprints').innerText(), /越秀搬家 小面包车/);
  assert.match(await p.locator('#searches').innerText(), /越秀/);
  await shot(p, 'me');
  await p.click('#clear-all');
  await p.waitForURL(/done=history_all/);
  assert.equal(await p.locator('#no-footprints').count(), 1);
  assert.equal(await p.locator('#no-searches').count(), 1);
  const uid = L.sql(`SELECT user_id FROM sessions ORDER BY id DESC LIMIT 1`);
  assert.equal(L.sql(`SELECT (SELECT count(*) FROM browse_history WHERE user_id = ${uid}) + (SELECT count(*) FROM search_history WHERE user_id = ${uid})`), '0');

  const switches = p.locator('input[role="switch"]');
  assert.ok(await switches.count() >= 2);
  for (const s of await switches.all()) assert.equal(await s.isChecked(), false, 'every purpose off until turned on');
  await p.check('#c-personalization');
  await p.click('#privacy button[type=submit]');
  await p.waitForURL(/done=consents/);
  assert.equal(await p.locator('#c-personalization').isChecked(), true);
  await p.uncheck('#c-personalization');
  await p.click('#privacy button[type=submit]');
  assert.equal(await p.locator('#c-personalization').isChecked(), false, 'withdrawn at once');
  assert.equal(L.sql(`SELECT group_concat(granted) FROM consents WHERE purpose = 'personalization'`), '1,0');
  await axe(ctx.buyer, '/me');
  await p.close();
});

test('G5: download my data from 我的', async () => {
  const p = await ctx.buyer.newPage();
  await p.goto(L.base + '/me');
  const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#export')]);
  assert.equal(dl.suggestedFilename(), 'linli-export.tar');
  const tar = readFileSync(await dl.path());
  assert.ok(tar.includes(Buffer.from('linli-export/data.json')));
  assert.ok(tar.includes(Buffer.from(BUYER)), 'the account phone is in the export');
  await p.close();
});

test('G4: cancel the account with an explanation and an SMS code', async () => {
  const p = await ctx.buyer.newPage();
  await p.goto(L.base + '/me');
  await p.click('#cancel-link');
  assert.match(await p.locator('.explain').innerText(), /数据密钥被销毁/);
  await shot(p, 'cancel');
  await axe(ctx.buyer, '/me/cancel');
  await p.click('#send-code');
  assert.match(await p.locator('#code-sent').innerText(), /139\*\*\*\*0002/);
  const code = L.outbox().filter((m) => m.phone === BUYER && m.purpose === 'cancel').pop()?.code;
  assert.match(code, /^\d{6}$/);
  await p.fill('#code', code === '000000' ? '111111' : '000000');
  await p.check('#confirm');
  await p.click('#cancel-submit');
  assert.match(await p.locator('#cancel-error').innerText(), /验证码不正确/);
  assert.equal(L.sql(`SELECT count(*) FROM users`), '2', 'a wrong code erases nothing');
  await p.fill('#code', code);
  await p.check('#confirm');
  await p.click('#cancel-submit');
  assert.equal(await p.locator('h1').innerText(), '账号已注销');
  assert.equal(L.sql(`SELECT count(*) FROM users`), '1');
  assert.equal((await ctx.buyer.cookies()).find((c) => c.name === 'linli_session'), undefined, 'signed out');
  await shot(p, 'cancelled');
  await p.close();
});

test('B13, F5: staff moderate a held listing and read verification data, audited; others are refused', async () => {
  const p = await ctx.staff.newPage();
  await signInPage(p, STAFF);
  const refused = await p.goto(L.base + '/staff');
  assert.equal(refused.status(), 403, 'no role, no console');
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'moderator').code, 0);
  await p.goto(L.base + '/staff');
  await p.selectOption('#kind', 'word');
  await p.fill('#pattern', '代开发票');
  await p.click('.block-add button');
  await p.waitForURL(/done=block_add/);
  assert.match(await p.locator('.blocklist').innerText(), /代开发票/);

  // the seller posts a house with the blocked word: it is held for review
  const s = await ctx.seller.newPage();
  await s.goto(L.base + '/post?category=housing&city=4401');
  await s.selectOption('#subcategory', 'rent');
  await s.fill('#title', '两房一厅 可代开发票');
  await s.fill('#f-rooms', '2');
  await s.fill('#f-area_m2', '80');
  await s.fill('#f-address', '广州市天河区体育东路1号');
  await s.fill('#f-owner_name', '王小明');
  await s.click('button.primary');
  await s.waitForURL(/done=posted/);
  const held = Number(s.url().match(/listings\/(\d+)/)[1]);
  assert.equal(await s.locator('#status').innerText(), '待审核');
  await shot(s, 'my-listing-pending');
  const anon = await ctx.staff.request.get(L.base + `/l/${held}`);
  assert.equal(anon.status(), 404, 'held listings are not shown to others');

  await p.goto(L.base + '/staff');
  const item = p.locator(`.queue-item[data-id="${held}"]`);
  assert.equal(await item.count(), 1);
  assert.ok(!(await p.content()).includes('王小明'), 'verification data is not shown until asked for');
  await shot(p, 'staff');
  await axe(ctx.staff, '/staff');
  await item.locator('form[action$="/verify"] button').click();
  assert.match(await p.locator('#verify').innerText(), /王小明/);
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read'`), '1', 'the read is audited');
  await p.locator(`.queue-item[data-id="${held}"] button[value="approve"]`).click();
  await p.waitForURL(/done=approve/);
  assert.equal(L.sql(`SELECT status FROM listings WHERE id = ${held}`), 'published');
  await s.goto(L.base + `/me/listings/${held}`);
  assert.equal(await s.locator('#status').innerText(), '已发布');
  await s.goto(L.base + '/me#data');
  assert.match(await s.locator('.reads').innerText(), /核验资料/, 'the owner sees the staff read (F5)');
  await s.close();
  await p.close();
});

test('B1: edit a listing (private fields never sent back), renew, delete a photo, delete the listing', async () => {
  const p = await ctx.seller.newPage();
  await p.goto(L.base + `/me/listings/${st.listing}/edit`);
  assert.equal(await p.locator('#f-address').inputValue(), '', 'a private field is not written back into the form');
  assert.equal(await p.locator('#contact_phone').inputValue(), '');
  assert.equal(await p.locator('#f-service_area').inputValue(), '越秀 海珠');
  await p.fill('#title', '越秀搬家 大货车');
  await p.click('button.primary');
  await p.waitForURL(/done=saved/);
  assert.equal(L.sql(`SELECT title FROM listings WHERE id = ${st.listing}`), '越秀搬家 大货车');
  const kept = await L.req('GET', `/api/v1/listings/${st.listing}`);
  assert.ok(kept.json.contact.fields.address, 'the blank private field kept its value');
  await p.click('#renew');
  await p.waitForURL(/done=renewed/);
  await p.locator('.photos.manage button').click();
  await p.waitForURL(/done=photo_deleted/);
  assert.equal(L.sql(`SELECT count(*) FROM listing_photos WHERE listing_id = ${st.listing}`), '0');
  await p.click('#delete'); // the confirmation box is required: the browser does not submit
  assert.equal(L.sql(`SELECT count(*) FROM listings WHERE id = ${st.listing}`), '1');
  await p.check('#confirm');
  await p.click('#delete');
  await p.waitForURL(/\/me\?done=deleted/);
  assert.equal(L.sql(`SELECT count(*) FROM listings WHERE id = ${st.listing}`), '0');
  await p.close();
});

test('H3: after a major policy change the person is asked to accept again before using the account', async () => {
  const admin = await L.signIn('13900000004');
  assert.equal(run(L.dir, 'staff', 'grant', '13900000004', 'admin').code, 0);
  const pub = await L.req('POST', '/api/v1/admin/policy', { token: admin.token, body: { version: '2.0', major: true, summary: '新增合作方共享说明' } });
  assert.equal(pub.status, 201, pub.text);
  const p = await ctx.seller.newPage();
  await p.goto(L.base + '/me'); // the person's own data stays reachable, with a notice
  assert.match(await p.locator('#policy-notice').innerText(), /请阅读并同意/);
  await p.goto(L.base + '/post'); // using the account waits for the acceptance
  await p.waitForURL(L.base + '/consent');
  assert.match(await p.locator('.notice').innerText(), /重大更新/);
  assert.equal(await p.locator('#accept').isChecked(), false, 'never pre-ticked');
  await shot(p, 'consent');
  await axe(ctx.seller, '/consent');
  await p.check('#accept');
  await p.click('button.primary');
  await p.waitForURL(/\/me\?done=policy/);
  await p.close();
});

test('D4: the statistics page draws its chart as inline SVG, small counts withheld', async () => {
  for (const [i, phone] of ['13900000005', '13900000006'].entries()) {
    const u = await L.signIn(phone, { accept: 2 }); // the version published in the H3 step
    const res = await L.req('POST', '/api/v1/listings', { token: u.token, body: { category: 'goods', title: `旧书桌 ${i}`,
      city: 4401, contact_phone: phone, fields: { condition: '九成新' } } });
    assert.equal(res.status, 201, res.text);
  }
  const p = await ctx.staff.newPage();
  const res = await p.goto(L.base + '/stats');
  assert.equal(res.status(), 200);
  assert.equal(await p.locator('figure.chart svg rect').count(), 6, 'one bar per category');
  assert.equal(await p.locator('script').count(), 0, 'no script');
  assert.match(await p.locator('figure.chart desc').textContent(), /二手物品 2 条/);
  assert.ok(Number(await p.locator('figure.chart rect').nth(4).getAttribute('width')) > 100, 'the goods bar is drawn');
  assert.equal(Number(await p.locator('figure.chart rect').nth(1).getAttribute('width')), 0, 'one poster: withheld');
  assert.match(await p.locator('table.stats').innerText(), /广州市\s+二手物品\s+2\s+2/);
  assert.match(await p.locator('.hint').last().innerText(), /不公布/);
  await shot(p, 'stats');
  await axe(ctx.staff, '/stats');
  await p.close();
  assert.deepEqual(cspErrors, []);
});
