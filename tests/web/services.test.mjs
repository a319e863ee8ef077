// services.test.mjs — 到家服务 through the pages alone, at 375×812 with JavaScript switched off (except the
// "near me" button, which is progressive enhancement): a merchant applies, staff reject with a listed reason and
// then approve in the console (the licence read audited), the merchant offers a service; a customer finds it in a
// district and near the district's centre, orders it (the form says when the merchant sees phone and address),
// pays in the sandbox cashier and comes back; the merchant sees no phone before accepting, accepts and sees phone
// and address, starts and completes; the customer reviews with a photo; the customer buys a membership and turns
// auto-renewal off. axe-core runs on every new page; screenshots go to tests/web/artifacts/services-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from '../api/lib.mjs';
import { web, PHOTO } from './lib.mjs';

const TIANHE = { latitude: 23.12714, longitude: 113.35608 }; // 天河区's centre (assets/regions/regions.tsv)

const L = new Linli({ sms_interval_s: 0, pay_sandbox_key: 'test-sandbox-key-0123456789' });
const ctx = {};
const st = {};
const MERCHANT = '13900002001', CUSTOMER = '13900002002', STAFF = '13900002003';
const ADDRESS = '天河路 385 号 太古汇 2 座 1501', CUSTOMER_PHONE = '13712345678';
const { cspErrors, launch, stop, newContext, axe, shot, signInPage } = web(L, { prefix: 'services-' });

const count = (sql) => Number(L.sql(sql));

// Reloads the page until its #status says want (the payment callback arrives asynchronously).
async function reloadUntil(p, want) {
  for (let i = 0; i < 100; i++) {
    if (await p.locator('#status').getAttribute('data-status') === want) return;
    await new Promise((r) => setTimeout(r, 100));
    await p.reload();
  }
  assert.fail(`status never became ${want}`);
}

before(async () => {
  await L.start();
  await launch();
  for (const k of ['merchant', 'customer', 'staff']) ctx[k] = await newContext();
  const pages = {};
  for (const [k, phone] of [['merchant', MERCHANT], ['customer', CUSTOMER], ['staff', STAFF]]) {
    pages[k] = await ctx[k].newPage();
    await signInPage(pages[k], phone);
    await pages[k].close();
  }
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'moderator').code, 0);
});

after(stop);

test('JX, F5, C7: a merchant applies, staff reject with a listed reason, the licence read is audited, staff approve', async () => {
  const p = await ctx.merchant.newPage();
  await p.goto(L.base + '/me');
  await p.click('#merchant-centre');
  await p.waitForURL(L.base + '/merchant');
  await axe(ctx.merchant, '/merchant');
  await p.click('#apply');
  await p.fill('#name', '天河洁净家政服务有限公司');
  await p.selectOption('#city', '4401');
  await p.fill('#license_no', '91440101MA59ABCDIX'); // I is not in the code's alphabet
  await p.click('button.primary');
  assert.match(await p.locator('#license_no-error').innerText(), /18 位统一社会信用代码/);
  assert.equal(await p.locator('#name').inputValue(), '天河洁净家政服务有限公司', 'what was typed is kept');
  assert.equal(count('SELECT count(*) FROM merchants'), 0, 'nothing saved');
  await shot(p, 'apply-error');
  await axe(ctx.merchant, '/merchant/apply');
  await p.fill('#license_no', '91440101MA59ABCD1X');
  await p.click('button.primary');
  await p.waitForURL(L.base + '/merchant?done=applied');
  assert.equal(await p.locator('#merchant-status').getAttribute('data-status'), 'pending');

  const s = await ctx.staff.newPage();
  await s.goto(L.base + '/staff');
  await s.click('#staff-merchants');
  await s.waitForURL(L.base + '/staff/merchants');
  const item = s.locator('.queue-item', { hasText: '天河洁净家政' });
  await item.locator('button[value="reject"]').click(); // no reason chosen
  assert.match(await s.locator('#staff-error').innerText(), /选择一个拒绝原因/);
  assert.equal(L.sql('SELECT status FROM merchants'), 'pending', 'a rejection without a listed reason changes nothing');
  await axe(ctx.staff, '/staff/merchants');
  await s.locator('.queue-item', { hasText: '天河洁净家政' }).locator('select').selectOption('license_invalid');
  await s.locator('.queue-item', { hasText: '天河洁净家政' }).locator('button[value="reject"]').click();
  await s.waitForURL(/\/staff\/merchants\?status=pending&done=reject$/);
  assert.equal(L.sql('SELECT status || \' \' || review_note FROM merchants'), 'rejected license_invalid');

  await p.goto(L.base + '/merchant');
  assert.match(await p.locator('#reject-reason').innerText(), /统一社会信用代码无法核验/);
  await shot(p, 'rejected');
  await p.click('#apply-again');
  assert.equal(await p.locator('#license_no').inputValue(), '', 'the licence number is never written back into a form');
  await p.fill('#license_no', '91440101MA59ABCD1X');
  await p.click('button.primary');
  await p.waitForURL(L.base + '/merchant?done=applied');

  const reads = () => count("SELECT count(*) FROM audit_log WHERE event = 'pi.staff_read'");
  const before = reads();
  await s.goto(L.base + '/staff/merchants');
  await s.locator('.queue-item', { hasText: '天河洁净家政' }).locator('form[action$="/license"] button').click();
  assert.equal(await s.locator('#license-value').innerText(), '91440101MA59ABCD1X');
  assert.equal(reads(), before + 1, 'F5: the staff read of the licence is audited');
  await shot(s, 'staff-queue');
  await s.locator('.queue-item', { hasText: '天河洁净家政' }).locator('button[value="approve"]').click();
  await s.waitForURL(/done=approve$/);
  assert.equal(count("SELECT count(*) FROM audit_log WHERE event = 'merchant.reviewed'"), 2, 'both decisions audited');
  await s.close();
  await p.close();
});

test('JX: the approved merchant offers a service (errors next to their field), shown on its page and in the centre', async () => {
  const p = await ctx.merchant.newPage();
  await p.goto(L.base + '/merchant');
  assert.equal(await p.locator('#merchant-status').getAttribute('data-status'), 'approved');
  await p.click('#new-service');
  await p.waitForURL(L.base + '/merchant/services/new');
  await axe(ctx.merchant, '/merchant/services/new');
  await p.selectOption('#category', 'cleaning');
  await p.fill('#title', '日常保洁 3 小时');
  await p.fill('#price', '一百二');
  await p.click('button.primary');
  assert.match(await p.locator('#price-error').innerText(), /请填写价格/);
  await p.fill('#price', '120');
  await p.click('button.primary'); // no district ticked
  assert.match(await p.locator('#districts-error').innerText(), /至少选择一个服务区县/);
  assert.equal(await p.locator('#title').inputValue(), '日常保洁 3 小时');
  await shot(p, 'service-form-error');
  await p.check('#d\\.440106');
  await p.check('#d\\.440104');
  await p.fill('#description', '自带清洁工具，\r\n厨房卫生间深度清洁。');
  await p.click('button.primary');
  await p.waitForURL(/\/services\/\d+\?done=created$/);
  st.service = Number(p.url().match(/services\/(\d+)/)[1]);
  assert.equal(await p.locator('#price').innerText(), '¥120.00');
  assert.match(await p.locator('#area').innerText(), /越秀区、天河区|天河区、越秀区/);
  assert.ok(await p.locator('#own').count(), 'the merchant is told it is their own service');
  assert.equal(L.sql(`SELECT price_fen || ' ' || unit || ' ' || slots FROM services WHERE id = ${st.service}`),
    '12000 次 [{"days":[1,2,3,4,5,6,7],"from":"08:00","to":"20:00"}]');
  await shot(p, 'service-own');
  await p.goto(L.base + '/merchant');
  assert.ok(await p.locator(`a[href="/services/${st.service}"]`).count(), 'listed under 我的服务');
  await p.close();
});

test('B9, B10, C3: a customer finds the service in a district with JavaScript off, and near the district centre with "near me"', async () => {
  const p = await ctx.customer.newPage();
  await p.goto(L.base + '/');
  await p.click('#services-entry');
  await p.waitForURL(/\/services/);
  assert.equal(await p.locator('#pick-city').count(), 1, 'no city chosen yet: the form asks for one');
  assert.equal(await p.locator('#near-form').isVisible(), false, 'without JavaScript there is no "near me" button');
  await p.selectOption('#city', '4401');
  await p.click('form.search-form button[type=submit]');
  await p.selectOption('#district', '440106');
  await p.selectOption('#category', 'cleaning');
  await p.click('form.search-form button[type=submit]');
  await p.waitForURL(/district=440106/);
  const card = p.locator(`.services .card[data-id="${st.service}"]`);
  assert.equal(await card.count(), 1, 'found in 天河区');
  assert.match(await card.innerText(), /日常保洁 3 小时[\s\S]*¥120\.00 \/ 次[\s\S]*天河洁净家政/);
  await shot(p, 'search-district');
  await axe(ctx.customer, '/services?city=4401&district=440106&category=cleaning');
  await p.goto(L.base + '/services?city=4401&district=440103'); // 荔湾区: not served
  assert.equal(await p.locator('.services .card').count(), 0);

  // near me: a JavaScript browser that was given a position, asked for only when the button is tapped
  const js = await newContext({ javaScriptEnabled: true, geolocation: TIANHE, permissions: ['geolocation'] });
  await js.addCookies(await ctx.customer.cookies());
  const q = await js.newPage();
  await q.goto(L.base + '/services');
  assert.match(q.url(), /\/services$/, 'no position is sent before the tap');
  await q.click('#near-me');
  await q.waitForURL(/near=23\.127%2C113\.356|near=23\.127,113\.356/);
  const near = q.locator(`.services .card[data-id="${st.service}"]`);
  assert.equal(await near.count(), 1, 'found near the district centre');
  assert.match(await near.locator('.distance').innerText(), /服务范围覆盖您的位置|距您约/);
  await shot(q, 'search-near');
  await js.close();
  // refused: the page still works, by city
  const refused = await newContext({ javaScriptEnabled: true });
  const r = await refused.newPage();
  await r.goto(L.base + '/services?city=4401');
  await r.click('#near-me');
  await r.waitForFunction(() => /没有取得您的位置/.test(document.getElementById('near-hint').textContent));
  assert.ok(await r.locator(`.services .card[data-id="${st.service}"]`).count(), 'city results still shown');
  await refused.close();
  assert.deepEqual(L.columnsHolding([TIANHE.latitude, TIANHE.longitude], 0.0006), [], 'B10: the point is stored nowhere');
  await p.close();
});

test('C8: the order form says when the merchant sees phone and address; errors next to the field; one order per form', async () => {
  const p = await ctx.customer.newPage();
  await p.goto(L.base + `/services/${st.service}`);
  await axe(ctx.customer, `/services/${st.service}`);
  await p.click('#order');
  await p.waitForURL(L.base + `/services/${st.service}/order`);
  assert.match(await p.locator('#contact-notice').innerText(), /支付、商家接单之后，商家才能看到/);
  assert.equal(await p.locator('#phone').inputValue(), CUSTOMER, 'the account phone is offered');
  await axe(ctx.customer, `/services/${st.service}/order`);
  await p.selectOption('#date', { index: 2 }); // the day after tomorrow (or later): within the slots
  await p.selectOption('#hour', '10:00');
  await p.selectOption('#district', '440106');
  await p.fill('#address', '天河');
  await p.fill('#phone', CUSTOMER_PHONE);
  await p.click('#submit-order');
  assert.match(await p.locator('#address-error').innerText(), /5 到 100 个字/);
  assert.equal(count('SELECT count(*) FROM orders'), 0, 'nothing saved');
  await shot(p, 'order-form-error');
  await p.fill('#address', ADDRESS);
  const sent = { csrf: await p.locator('input[name=csrf]').inputValue(), idem: await p.locator('input[name=idem]').inputValue(),
    date: await p.locator('#date').inputValue(), hour: '10:00', district: '440106', address: ADDRESS, phone: CUSTOMER_PHONE };
  await p.click('#submit-order');
  await p.waitForURL(/\/orders\/\d+\?done=created$/);
  st.order = Number(p.url().match(/orders\/(\d+)/)[1]);
  assert.equal(await p.locator('#status').getAttribute('data-status'), 'created');
  assert.equal(await p.locator('#address').innerText(), ADDRESS, 'the customer sees their own address');
  await shot(p, 'order-created');
  await axe(ctx.customer, `/orders/${st.order}`);
  // the same form sent again (a double tap, a resend) makes no second order: it carries one idempotency key
  const again = await ctx.customer.request.post(L.base + `/services/${st.service}/order`, { form: sent, maxRedirects: 0 });
  assert.equal(again.status(), 303);
  assert.equal(again.headers().location, `/orders/${st.order}?done=created`);
  assert.equal(count('SELECT count(*) FROM orders'), 1, 'one order per form');
  await p.goto(L.base + '/me/orders');
  assert.equal(await p.locator(`.order-item[data-id="${st.order}"] .status`).getAttribute('data-status'), 'created');
  await axe(ctx.customer, '/me/orders');
  await p.close();
});

test('C5, C8, E6: pay in the sandbox and come back; the merchant sees no phone before accepting, then phone and address', async () => {
  const p = await ctx.customer.newPage();
  await p.goto(L.base + `/orders/${st.order}`);
  await p.click('#pay');
  await p.waitForURL(/\/sandbox\/pay\/SBX[0-9a-f]{32}$/);
  assert.equal(await p.locator('#item').innerText(), '日常保洁 3 小时');
  assert.ok(!(await p.content()).includes(CUSTOMER_PHONE), 'C5: the cashier gets no phone');
  await p.click('button[type=submit]');
  assert.equal(await p.locator('#status').innerText(), 'paid');
  await shot(p, 'cashier-paid');
  await p.click('#return');
  await p.waitForURL(new RegExp(`/orders/${st.order}\\?done=returned$`));
  await reloadUntil(p, 'paid');
  await shot(p, 'order-paid');

  const reveals = () => count("SELECT count(*) FROM audit_log WHERE event = 'order.contact_revealed'");
  const m = await ctx.merchant.newPage();
  await m.goto(L.base + '/merchant/orders');
  assert.equal(await m.locator(`.order-item[data-id="${st.order}"] .status`).getAttribute('data-status'), 'paid');
  await axe(ctx.merchant, '/merchant/orders');
  await m.click(`.order-item[data-id="${st.order}"] a`);
  await m.waitForURL(L.base + `/orders/${st.order}`);
  const html = await m.content();
  assert.ok(!html.includes(CUSTOMER_PHONE) && !html.includes('太古汇'), 'C8: no phone and no street before accepting');
  assert.equal(await m.locator('#contact').getAttribute('data-contact'), 'hidden');
  assert.match(await m.locator('#place').innerText(), /广州市·天河区/, 'the district and time are shown');
  assert.equal(reveals(), 0);
  await shot(m, 'merchant-before-accept');
  await axe(ctx.merchant, `/orders/${st.order}`);
  assert.equal(reveals(), 0, 'looking at the order before accepting reveals nothing');
  await m.click('#move-accept');
  await m.waitForURL(new RegExp(`/orders/${st.order}\\?done=accept$`));
  assert.equal(await m.locator('#contact').getAttribute('data-contact'), 'shown');
  assert.equal(await m.locator('#phone').innerText(), CUSTOMER_PHONE);
  assert.equal(await m.locator('#address').innerText(), ADDRESS);
  assert.equal(reveals(), 1, 'E6: the reveal is audited');
  await shot(m, 'merchant-accepted');
  await m.click('#move-start');
  await m.waitForURL(/done=start$/);
  assert.equal(await m.locator('#status').getAttribute('data-status'), 'in_service');
  await m.click('#move-complete');
  await m.waitForURL(/done=complete$/);
  assert.equal(await m.locator('#status').getAttribute('data-status'), 'completed');
  assert.ok(reveals() >= 3, 'every view of the contact is audited');
  await m.close();
  await p.close();
});

test('C9: the customer reviews the completed order with a photo; the service page shows it', async () => {
  const p = await ctx.customer.newPage();
  await p.goto(L.base + `/orders/${st.order}`);
  await axe(ctx.customer, `/orders/${st.order}`);
  await p.check('#rating-5', { force: true });
  await p.fill('#text', '准时上门，\r\n打扫得很干净。');
  await p.setInputFiles('#photo', PHOTO);
  await p.click('#submit-review');
  await p.waitForURL(new RegExp(`/orders/${st.order}\\?done=reviewed#review$`));
  assert.equal(await p.locator('#status').getAttribute('data-status'), 'reviewed');
  assert.equal(await p.locator('#review-rating').innerText(), '5 星');
  assert.equal(await p.locator('#review-photos img').count(), 1);
  await shot(p, 'reviewed');
  await p.goto(L.base + `/services/${st.service}`);
  assert.match(await p.locator('#rating').innerText(), /5\.0 分（1 条评价）/);
  const review = p.locator('.review');
  assert.match(await review.innerText(), /准时上门/);
  const src = await review.locator('img').getAttribute('src');
  const img = await fetch(L.base + src);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  await shot(p, 'service-reviewed');
  await axe(ctx.customer, `/services/${st.service}`);
  await p.close();
});

test('A6, C5: the customer buys a membership through the cashier, sees it active, and turns auto-renewal off', async () => {
  const p = await ctx.customer.newPage();
  await p.goto(L.base + '/me');
  await p.click('#my-membership');
  await p.waitForURL(L.base + '/me/membership');
  assert.equal(await p.locator('#member-state').getAttribute('data-status'), 'none');
  await axe(ctx.customer, '/me/membership');
  await p.check('#auto-renew-monthly');
  await p.click('#buy-monthly');
  await p.waitForURL(/\/sandbox\/pay\/SBX/);
  assert.equal(await p.locator('#item').innerText(), '月度会员');
  await p.click('button[type=submit]');
  await p.click('#return');
  await p.waitForURL(/\/me\/membership\?done=returned$/);
  for (let i = 0; i < 100 && await p.locator('#member-state').getAttribute('data-status') !== 'active'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await p.reload();
  }
  assert.equal(await p.locator('#member-state').getAttribute('data-status'), 'active');
  assert.equal(await p.locator('#auto-renew').innerText(), '已开启');
  await shot(p, 'membership-active');
  await p.click('#cancel-renewal');
  await p.waitForURL(/done=cancelled$/);
  assert.equal(await p.locator('#auto-renew').innerText(), '已关闭');
  assert.equal(await p.locator('#member-state').getAttribute('data-status'), 'active', 'it stays until it ends');
  await axe(ctx.customer, '/me/membership');
  await p.close();
});

test('C8: another person\'s order page is the 404 page; no page broke the CSP', async () => {
  const stranger = await newContext();
  const p = await stranger.newPage();
  await signInPage(p, '13900002004');
  const res = await p.goto(L.base + `/orders/${st.order}`);
  assert.equal(res.status(), 404);
  assert.equal(await p.locator('h1').innerText(), '页面不存在');
  await stranger.close();
  assert.deepEqual(cspErrors, []);
});
