// disputes.test.mjs — the support staff's page for disputed orders (E6), at 375×812 with JavaScript switched off:
// the open disputes with what was paid and why, a partial refund typed in yuan (a wrong amount answered next to
// the field, nothing settled), a release; each settlement leaves the list, reaches both parties and the ledger
// stays balanced. Only support staff reach the page. axe-core on the page; screenshots in tests/web/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from '../api/lib.mjs';
import { beijing, merchantWith, staff } from '../api/hs.mjs';
import { payOrder, waitFor, SANDBOX_KEY } from '../api/pay.mjs';
import { web } from './lib.mjs';

const L = new Linli({ sms_interval_s: 0, pay_sandbox_key: SANDBOX_KEY });
const SUPPORT = '13966660003', MOD = '13966660004';
let merchant, customer;
const ids = [];
const { cspErrors, launch, stop, newContext, axe, shot, signInPage } = web(L);

// An order paid, served and disputed by the customer, through the API.
async function disputedOrder(reason) {
  const body = { service_id: merchant.services[0], time: beijing(2, 10), district: 440106, address: '广州市天河区天河路100号', phone: '13966667777' };
  const id = (await L.req('POST', '/api/v1/orders', { token: customer.token, body })).json.id;
  await payOrder(L, customer, id);
  for (const a of ['accept', 'start', 'complete']) assert.equal((await L.req('POST', `/api/v1/orders/${id}/${a}`, { token: merchant.token })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/orders/${id}/dispute`, { token: customer.token, body: { reason } })).status, 200);
  return id;
}

before(async () => {
  await L.start();
  const mod = await staff(L, MOD, 'moderator');
  merchant = await merchantWith(L, '13966660001', mod, '天河到家', [{ category: 'cleaning', title: '日常保洁 2小时', price: 12000 }]);
  customer = await L.signIn('13966660002');
  await L.signIn(SUPPORT);
  assert.equal(run(L.dir, 'staff', 'grant', SUPPORT, 'support').code, 0);
  ids.push(await disputedOrder('quality'), await disputedOrder('no_show'));
  await launch();
});

after(stop);

test('E6: support staff see the open disputes and settle one with a partial refund typed in yuan', async () => {
  const c = await newContext();
  const p = await c.newPage();
  await signInPage(p, SUPPORT);
  await p.goto(L.base + '/staff/disputes');
  assert.equal(await p.locator('h1').textContent(), '订单争议处理');
  const items = p.locator('li.dispute');
  assert.equal(await items.count(), 2);
  const first = p.locator(`li.dispute[data-id="${ids[0]}"]`);
  const text = await first.textContent();
  for (const part of ['日常保洁 2小时', '服务质量问题', '¥120.00', '天河到家']) assert.ok(text.includes(part), part);
  assert.ok(!(await p.content()).includes('天河路100号') && !(await p.content()).includes('13966667777'), 'no contact data');
  await axe(c, '/staff/disputes');
  await shot(p, 'disputes-list');

  // a wrong amount: answered next to the field, the choice kept, nothing settled
  await p.locator(`label[for="partial-${ids[0]}"]`).click();
  await first.locator('input[name="amount"]').fill('130');
  await first.locator('button[type="submit"]').click();
  const err = p.locator(`#amount-${ids[0]}-error`);
  assert.ok((await err.textContent()).includes('不能超过实付金额'));
  assert.equal(await p.locator(`#amount-${ids[0]}`).getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator(`#partial-${ids[0]}`).isChecked(), true);
  assert.equal(L.sql(`SELECT status FROM orders WHERE id = ${ids[0]}`), 'disputed');
  await shot(p, 'disputes-error');

  await p.locator(`#amount-${ids[0]}`).fill('30.50');
  await p.locator(`li.dispute[data-id="${ids[0]}"] button[type="submit"]`).click();
  await p.waitForURL(/\/staff\/disputes\?done=partial$/);
  assert.ok((await p.locator('#done').textContent()).includes('已部分退款'));
  assert.equal(await p.locator('li.dispute').count(), 1, 'settled disputes leave the list');
  assert.equal(L.sql(`SELECT status || '|' || dispute_outcome || '|' || refund_fen FROM orders WHERE id = ${ids[0]}`), 'resolved|partial|3050');
  const number = L.sql(`SELECT number FROM orders WHERE id = ${ids[0]}`);
  await waitFor(() => L.sql(`SELECT count(*) FROM ledger WHERE txn = 'refund:DP${number}'`) === '2', 'the refund callback');
  assert.equal(L.sql('SELECT coalesce(sum(amount_fen), 0) FROM ledger'), '0', 'the ledger balances');
  const told = (await L.req('GET', '/api/v1/me/messages', { token: customer.token })).json.items;
  assert.ok(told.some((m) => m.body.includes(number) && m.body.includes('部分退款 ¥30.50')));
  await axe(c, '/staff/disputes?done=partial');
  await shot(p, 'disputes-done');

  // the other one released to the merchant
  await p.locator(`label[for="release-${ids[1]}"]`).click();
  await p.locator(`li.dispute[data-id="${ids[1]}"] button[type="submit"]`).click();
  await p.waitForURL(/done=release$/);
  assert.equal(L.sql(`SELECT status || '|' || dispute_outcome FROM orders WHERE id = ${ids[1]}`), 'resolved|release');
  assert.ok((await p.locator('p.empty').textContent()).includes('没有待处理的争议'));
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'order.dispute_resolved'`), '2');
  await c.close();
});

test('E6: the page is for support staff only: a moderator is refused, someone signed out is sent to sign in', async () => {
  const c = await newContext();
  const p = await c.newPage();
  const out = await p.goto(L.base + '/staff/disputes');
  assert.ok(p.url().startsWith(L.base + '/login'), `signed out: ${p.url()} ${out.status()}`);
  await signInPage(p, MOD);
  const res = await p.goto(L.base + '/staff/disputes');
  assert.equal(res.status(), 403);
  assert.ok(!(await p.content()).includes('li class="queue-item dispute"'));
  await c.close();
  assert.deepEqual(cspErrors, []);
});
