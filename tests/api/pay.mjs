// pay.mjs — paying an order through the sandbox provider as a customer would, and signing callbacks as it does.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

export const SANDBOX_KEY = 'test-sandbox-key-0123456789';

export function sign(body, key = SANDBOX_KEY) { return createHmac('sha256', key).update(body).digest('hex'); }

export async function waitFor(fn, what, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The payer's browser keeps the cashier page it posts from: the CSRF cookie it was given and the form's token.
const forms = new Map(); // L.base + url → {cookie, csrf}

// Opens the sandbox cashier page as the payer's browser would, keeping its form's CSRF token and cookie.
export async function openCashier(L, who, url) {
  const page = await L.req('GET', url, { token: who?.token });
  const csrf = page.text.match(/name="csrf" value="([^"]+)"/)?.[1];
  const cookie = page.headers.get('set-cookie')?.match(/linli_csrf=[^;]+/)?.[0];
  if (csrf && cookie) forms.set(L.base + url, { csrf, cookie });
  return page;
}

// The payer presses 确认支付 on the sandbox cashier page (the form posts to the page's own address, with its
// CSRF token); a page that shows no form (someone else's, a guessed one) leaves nothing to send but the post.
export async function confirmAt(L, who, url) {
  if (!forms.has(L.base + url)) await openCashier(L, who, url);
  const f = forms.get(L.base + url);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(f ? { cookie: f.cookie } : {}) };
  return L.req('POST', url, { token: who?.token, raw: f ? `csrf=${encodeURIComponent(f.csrf)}` : '', headers });
}

// POST /orders/{id}/pay, open the cashier page, confirm, wait for the asynchronous callback to mark it paid.
export async function payOrder(L, customer, id) {
  const start = await L.req('POST', `/api/v1/orders/${id}/pay`, { token: customer.token });
  assert.equal(start.status, 200, start.text);
  const page = await openCashier(L, customer, start.json.payment_url);
  assert.equal(page.status, 200);
  const confirm = await confirmAt(L, customer, start.json.payment_url);
  assert.equal(confirm.status, 200, confirm.text);
  await waitFor(async () => (await L.req('GET', `/api/v1/orders/${id}`, { token: customer.token })).json.status !== 'created', `order ${id} paid`);
  return start.json;
}

// POST /me/membership, confirm on the cashier page, wait for the callback to mark the membership order paid (A6).
export async function buyMembership(L, who, plan, autoRenew = true) {
  const start = await L.req('POST', '/api/v1/me/membership', { token: who.token, body: { plan, auto_renew: autoRenew } });
  assert.equal(start.status, 201, start.text);
  assert.equal((await L.req('GET', start.json.payment_url, { token: who.token })).status, 200);
  assert.equal((await confirmAt(L, who, start.json.payment_url)).status, 200);
  await waitFor(() => L.sql(`SELECT status FROM membership_orders WHERE number = '${start.json.number}'`) === 'paid', 'membership paid');
  return start.json;
}
