// webchat.test.mjs — the chat, ticket, invitation, guardian and password pages over plain HTTP: a conversation about
// an order between its customer and its merchant started with POST /chats/start (C10, E6); someone else's
// conversation, voice note or ticket is the 404 page and nothing is written (C10, C2); the support console needs the
// support role (F5); every new form refuses a post without its CSRF token and writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, amrNote } from './lib.mjs';
import { beijing, merchantWith, staff } from './hs.mjs';
import { SANDBOX_KEY } from './pay.mjs';

const L = new Linli({ pay_sandbox_key: SANDBOX_KEY, sms_interval_s: 0, sms_per_ip_hour: 1000 });
let mod, merchant, customer, stranger, poster, buyer;
const st = {};

// A page as the person's browser gets it: status, HTML, and the form token with the cookie it belongs to.
async function page(who, path) {
  const res = await L.req('GET', path, { token: who?.token });
  return { ...res, csrf: res.text.match(/name="csrf" value="([^"]+)"/)?.[1],
    cookie: res.headers.get('set-cookie')?.match(/linli_csrf=[^;]+/)?.[0] };
}

// A form post as a browser sends it (no redirect followed); form: {csrf, cookie} from page(), or null for none.
async function post(who, path, fields, form) {
  const body = new URLSearchParams({ ...(form ? { csrf: form.csrf } : {}), ...fields }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (who) headers.authorization = `Bearer ${who.token}`;
  if (form?.cookie) headers.cookie = form.cookie;
  const res = await fetch(L.base + path, { method: 'POST', headers, body, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

// A voice upload as the conversation page's form sends it: parts csrf (unless null) and audio.
async function voice(who, id, form, bytes) {
  const b = '----linli' + Math.random().toString(16).slice(2);
  const parts = [];
  if (form) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${form.csrf}\r\n`));
  parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="audio"; filename="a.amr"\r\nContent-Type: audio/amr\r\n\r\n`),
    bytes, Buffer.from(`\r\n--${b}--\r\n`));
  const headers = { 'content-type': `multipart/form-data; boundary=${b}`, authorization: `Bearer ${who.token}` };
  if (form?.cookie) headers.cookie = form.cookie;
  const res = await fetch(L.base + `/me/chats/${id}/voice`, { method: 'POST', headers, body: Buffer.concat(parts), redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

const count = (sql) => Number(L.sql(sql));
const notFoundPage = (res) => res.status === 404 && res.text.includes('<h1>页面不存在</h1>');

before(async () => {
  await L.start();
  mod = await staff(L, '13655550000', 'moderator');
  merchant = await merchantWith(L, '13655550001', mod, '海珠好帮手', [{ category: 'cleaning', title: '日常保洁 2小时', price: 12000 }]);
  customer = await L.signIn('13655550002');
  stranger = await L.signIn('13655550003');
  poster = await L.signIn('13655550004');
  buyer = await L.signIn('13655550005');
  const o = await L.req('POST', '/api/v1/orders', { token: customer.token, body: { service_id: merchant.services[0],
    time: beijing(1, 10), district: 440106, address: '广州市天河区体育西路8号301室', phone: '13812345678' } });
  assert.equal(o.status, 201, o.text);
  st.order = o.json.id;
  const l = await L.req('POST', '/api/v1/listings', { token: poster.token, body: { city: 4401, district: 440106,
    contact_phone: '13655550004', category: 'goods', subcategory: 'digital', title: '旧手机出售', fields: { condition: '九成新' } } });
  assert.equal(l.status, 201, l.text);
  st.listing = l.json.id;
  const c = await L.req('POST', '/api/v1/conversations', { token: buyer.token, body: { subject_kind: 'listing', subject_id: st.listing, text: '还在吗' } });
  assert.equal(c.status, 201, c.text);
  st.conv = c.json.id;
  const v = await L.req('POST', `/api/v1/conversations/${st.conv}/voice`, { token: buyer.token,
    raw: Buffer.concat([Buffer.from('--x\r\nContent-Disposition: form-data; name="audio"; filename="a.amr"\r\n\r\n'), amrNote(50), Buffer.from('\r\n--x--\r\n')]),
    headers: { 'content-type': 'multipart/form-data; boundary=x' } });
  assert.equal(v.status, 201, v.text);
  st.voice = v.json.id;
  const t = await L.req('POST', '/api/v1/tickets', { token: buyer.token, body: { category: 'question', subject: '怎么修改手机号', text: '请问怎么修改手机号？' } });
  assert.equal(t.status, 201, t.text);
  st.ticket = t.json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('C10, E6: POST /chats/start with order_id opens the customer ↔ merchant conversation; the merchant finds the same one', async () => {
  const f = await page(customer, '/me/tickets');
  assert.equal(f.status, 200);
  const res = await post(customer, '/chats/start', { order_id: String(st.order) }, f);
  assert.equal(res.status, 303, res.text);
  const m = res.location.match(/^\/me\/chats\/(\d+)$/);
  assert.ok(m, res.location);
  const fm = await page(merchant, '/me/tickets');
  const again = await post(merchant, '/chats/start', { order_id: String(st.order) }, fm);
  assert.equal(again.location, res.location, 'one conversation per order, whichever party starts it');
  const conv = await L.req('GET', `/api/v1/conversations/${m[1]}`, { token: merchant.token });
  assert.equal(conv.json.role, 'owner');
  assert.equal(conv.json.subject.kind, 'order');
  assert.match(conv.json.subject.title, /^订单 \S+ · 日常保洁 2小时$/);
  const shown = await page(merchant, `/me/chats/${m[1]}`);
  assert.equal(shown.status, 200);
  assert.match(shown.text, /<h1>订单 \S+ · 日常保洁 2小时<\/h1>/);
  // a stranger to the order, an order that does not exist, both or neither subject
  const fs = await page(stranger, '/me/tickets');
  assert.ok(notFoundPage(await post(stranger, '/chats/start', { order_id: String(st.order) }, fs)));
  assert.ok(notFoundPage(await post(customer, '/chats/start', { order_id: '999999' }, f)));
  assert.equal((await post(customer, '/chats/start', { order_id: String(st.order), listing_id: String(st.listing) }, f)).status, 400);
  assert.equal((await post(customer, '/chats/start', {}, f)).status, 400);
  assert.equal((await post(poster, '/chats/start', { listing_id: String(st.listing) }, await page(poster, '/me/tickets'))).status, 422,
    'not with oneself');
  assert.equal(count(`SELECT count(*) FROM chat_conversations WHERE subject_kind = 'order'`), 1);
});

test('C10: someone else\'s conversation, its voice note, a send and a block are the 404 page, and nothing is written', async () => {
  const f = await page(stranger, '/me/tickets');
  assert.ok(notFoundPage(await page(stranger, `/me/chats/${st.conv}`)));
  assert.ok(notFoundPage(await page(stranger, `/me/chats/${st.conv}/voice/${st.voice}`)));
  assert.ok(notFoundPage(await page(stranger, '/me/chats/999999')));
  const msgs = count('SELECT count(*) FROM chat_messages');
  assert.ok(notFoundPage(await post(stranger, `/me/chats/${st.conv}/send`, { text: '我不是成员' }, f)));
  assert.ok(notFoundPage(await voice(stranger, st.conv, f, amrNote(50))));
  assert.ok(notFoundPage(await post(stranger, `/me/chats/${st.conv}/block`, { on: '1' }, f)));
  assert.equal(count('SELECT count(*) FROM chat_messages'), msgs);
  assert.equal(count('SELECT count(*) FROM chat_members WHERE blocked = 1'), 0);
  // the members see it; the poster opening it is the read receipt
  assert.equal((await page(buyer, `/me/chats/${st.conv}/voice/${st.voice}`)).status, 200);
  assert.equal(count(`SELECT read_upto FROM chat_members WHERE conversation_id = ${st.conv} AND user_id = ${poster.user.id}`), 0);
  assert.equal((await page(poster, `/me/chats/${st.conv}`)).status, 200);
  assert.equal(count(`SELECT read_upto FROM chat_members WHERE conversation_id = ${st.conv} AND user_id = ${poster.user.id}`), st.voice);
});

test('C2, F5: someone else\'s ticket is the 404 page and nothing is written; the console needs the support role', async () => {
  const f = await page(stranger, '/me/tickets');
  assert.ok(notFoundPage(await page(stranger, `/me/tickets/${st.ticket}`)));
  const n = count('SELECT count(*) FROM ticket_messages');
  assert.ok(notFoundPage(await post(stranger, `/me/tickets/${st.ticket}/reply`, { text: '我来回复' }, f)));
  assert.ok(notFoundPage(await post(stranger, `/me/tickets/${st.ticket}/close`, {}, f)));
  assert.equal(count('SELECT count(*) FROM ticket_messages'), n);
  assert.equal(L.sql(`SELECT status FROM tickets WHERE id = ${st.ticket}`), 'open');
  // a moderator is not support (least privilege): refused before anything is read, so nothing is audited
  for (const path of ['/staff/tickets', `/staff/tickets/${st.ticket}`]) {
    const res = await page(mod, path);
    assert.equal(res.status, 403, path);
    assert.match(res.text, /没有权限/);
  }
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read'`), 0);
  const support = await staff(L, '13655550009', 'support');
  assert.equal((await page(support, `/staff/tickets/${st.ticket}`)).status, 200);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read' AND subject = ${buyer.user.id}`), 1);
  assert.ok(notFoundPage(await page(support, '/staff/tickets/999999')));
});

test('every new form refuses a post without its CSRF token (or with another browser\'s) and writes nothing', async () => {
  const support = await L.signIn('13655550009'); // holds the support role since the test above
  const before = {
    msgs: count('SELECT count(*) FROM chat_messages'), convs: count('SELECT count(*) FROM chat_conversations'),
    tickets: count('SELECT count(*) FROM tickets'), tmsgs: count('SELECT count(*) FROM ticket_messages'),
    claims: count('SELECT count(*) FROM gift_claims'), invites: count('SELECT count(*) FROM invitations'),
    sms: L.outbox().length, blocked: count('SELECT count(*) FROM chat_members WHERE blocked = 1'),
  };
  const mine = await page(buyer, `/me/chats/${st.conv}`);
  const other = await page(stranger, '/me/tickets'); // a valid pair, but of another browser
  const forged = { csrf: other.csrf, cookie: mine.cookie };
  const code = (await L.req('GET', '/api/v1/me/invite', { token: poster.token })).json.code;
  const cases = [
    [buyer, `/me/chats/${st.conv}/send`, { text: '没有令牌' }],
    [buyer, `/me/chats/${st.conv}/block`, { on: '1' }],
    [buyer, '/chats/start', { listing_id: String(st.listing) }],
    [buyer, '/me/tickets', { category: 'question', subject: '没有令牌', text: '没有令牌' }],
    [buyer, `/me/tickets/${st.ticket}/reply`, { text: '没有令牌' }],
    [buyer, `/me/tickets/${st.ticket}/close`, {}],
    [support, `/staff/tickets/${st.ticket}/reply`, { text: '没有令牌' }],
    [support, `/staff/tickets/${st.ticket}/close`, {}],
    [buyer, '/me/invite/accept', { code }],
    [buyer, '/me/invite/claim', { gift: 'tote_bag', name: '王小明', phone: '13912345678', address: '广州市天河区体育西路8号' }],
    [buyer, '/me/guardian/code', { guardian_phone: '13655550099' }],
    [buyer, '/me/guardian/confirm', { agree: '1', code: '123456' }],
    [buyer, '/me/password/code', {}],
    [buyer, '/me/password', { code: '123456', password: 'abcdefgh1', password2: 'abcdefgh1' }],
    [null, '/login/password', { phone: '13655550005', password: 'abcdefgh1' }],
  ];
  for (const [who, path, fields] of cases) {
    for (const form of [null, forged]) {
      const res = await post(who, path, fields, form);
      assert.equal(res.status, 403, `${path} ${form ? 'forged' : 'no token'}: ${res.status}`);
      assert.match(res.text, /页面已过期/, path);
    }
  }
  assert.equal((await voice(buyer, st.conv, null, amrNote(50))).status, 403, 'a voice upload without its csrf part');
  assert.equal((await voice(buyer, st.conv, forged, amrNote(50))).status, 403);
  assert.deepEqual({
    msgs: count('SELECT count(*) FROM chat_messages'), convs: count('SELECT count(*) FROM chat_conversations'),
    tickets: count('SELECT count(*) FROM tickets'), tmsgs: count('SELECT count(*) FROM ticket_messages'),
    claims: count('SELECT count(*) FROM gift_claims'), invites: count('SELECT count(*) FROM invitations'),
    sms: L.outbox().length, blocked: count('SELECT count(*) FROM chat_members WHERE blocked = 1'),
  }, before);
  assert.equal(L.sql(`SELECT status FROM tickets WHERE id = ${st.ticket}`), 'open');
  // the same post with the page's own token goes through (the refusals above are the token's doing)
  const ok = await post(buyer, `/me/chats/${st.conv}/send`, { text: '有令牌' }, mine);
  assert.equal(ok.status, 303);
  assert.equal(count('SELECT count(*) FROM chat_messages'), before.msgs + 1);
});
