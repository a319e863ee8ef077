// chat.test.mjs — 消息, 客服, 邀请有礼, the guardian's consent and the login password as pages, at 375×812 with
// JavaScript switched off: a buyer writes to a listing's poster from the listing page with a phone number in the
// text (the poster sees it masked, C10), the poster replies, read receipts on both sides; a voice note uploaded with
// a file input and played with <audio>; a ticket opened, answered and closed by support from the console, an
// overdue one highlighted (H5, C2, F5); an invitation code entered by a friend and a gift claimed with the address
// asked for only then (C4); a child held until the guardian consents with the code sent to the guardian (H1); a
// password set with a fresh SMS code and then used on /login/password (A4, G6).
// axe-core runs on every new page (no serious or critical violations); screenshots go to tests/web/artifacts/chat-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run, amrNote } from '../api/lib.mjs';
import { web } from './lib.mjs';

const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear(); // the year in Beijing, as the server counts

const L = new Linli({ sms_interval_s: 0, sms_per_ip_hour: 1000 });
const ctx = {}; // browser contexts by person, JavaScript off
const st = {};  // ids shared by the steps
const POSTER = '13600000001', BUYER = '13600000002', STRANGER = '13600000003', STAFF = '13600000004';
const { cspErrors, launch, stop, newContext, axe, shot } = web(L, { prefix: 'chat-' });

// A context signed in as phone (a session made through the API, handed to the browser as its cookie).
async function personContext(phone) {
  const who = await L.signIn(phone);
  const c = await newContext();
  await c.addCookies([{ name: 'linli_session', value: who.token, url: L.base }]);
  c.who = who;
  return c;
}

const count = (sql) => Number(L.sql(sql));

before(async () => {
  await L.start();
  await launch();
  for (const [k, phone] of [['poster', POSTER], ['buyer', BUYER], ['stranger', STRANGER]]) ctx[k] = await personContext(phone);
  const res = await L.req('POST', '/api/v1/listings', { token: ctx.poster.who.token, body: {
    city: 4401, district: 440106, contact_phone: POSTER, category: 'goods', subcategory: 'digital', title: '九成新相机 出售',
    description: '镜头无划痕。', price: 150000, fields: { condition: '九成新' } } });
  assert.equal(res.status, 201, res.text);
  st.listing = res.json.id;
});

after(stop);

test('C10: a buyer writes to the poster from the listing page; the phone number in the text reaches the poster masked', async () => {
  const anon = await newContext();
  const a = await anon.newPage();
  await a.goto(L.base + `/l/${st.listing}`);
  assert.equal(await a.locator('#chat-start').count(), 0, 'no chat button signed out');
  assert.match(await a.locator('#chat-login').getAttribute('href'), /^\/login\?next=\/l\/\d+$/);
  await anon.close();

  const p = await ctx.buyer.newPage();
  await p.goto(L.base + `/l/${st.listing}`);
  await axe(ctx.buyer, `/l/${st.listing}`);
  await p.click('#chat-start');
  await p.waitForURL(/\/me\/chats\/\d+$/);
  st.conv = Number(p.url().match(/chats\/(\d+)/)[1]);
  assert.equal(await p.locator('h1').innerText(), '九成新相机 出售');
  assert.equal(await p.locator('#no-messages').count(), 1);
  await p.fill('#text', '你好，相机还在吗？我的电话 138 1234 5678，方便的话打给我');
  await p.click('#send-text');
  await p.waitForURL(/\?done=sent#send$/);
  const mine = p.locator('.bubble.mine').last();
  assert.match(await mine.locator('.text').innerText(), /138 1234 5678/, 'the sender sees their own text');
  assert.equal(await mine.locator('.receipt').innerText(), '未读');
  // a second start from the listing page finds the same conversation
  await p.goto(L.base + `/l/${st.listing}`);
  await p.click('#chat-start');
  await p.waitForURL(L.base + `/me/chats/${st.conv}`);
  assert.equal(count(`SELECT count(*) FROM chat_conversations`), 1);
  const stored = L.sql(`SELECT hex(body) FROM chat_messages WHERE conversation_id = ${st.conv}`);
  assert.ok(!Buffer.from(stored, 'hex').toString('utf8').includes('1234'), 'the message is stored sealed');
  await shot(p, 'buyer');
  await axe(ctx.buyer, `/me/chats/${st.conv}`);
  await p.close();

  // the poster: 我的 counts the unread message, 消息 lists it, the conversation masks the number
  const q = await ctx.poster.newPage();
  await q.goto(L.base + '/me');
  assert.match(await q.locator('#chats-link').innerText(), /消息（1 条未读）/);
  await q.click('#chats-link');
  await q.waitForURL(L.base + '/me/chats');
  assert.match(await q.locator('#unread-total').innerText(), /1 条未读/);
  assert.match(await q.locator(`.chat-row[data-id="${st.conv}"]`).innerText(), /九成新相机 出售[\s\S]*1 条未读[\s\S]*对方发起的/);
  await shot(q, 'list');
  await axe(ctx.poster, '/me/chats');
  await q.click(`.chat-row[data-id="${st.conv}"] a`);
  const theirs = q.locator('.bubble:not(.mine)').first();
  const text = await theirs.locator('.text').innerText();
  assert.match(text, /138\*\*\*\*5678/, 'masked for the recipient');
  assert.ok(!text.includes('1234'), text);
  assert.equal(await theirs.locator('.masked').count(), 1, 'and says so');
  await q.fill('#text', '还在的，周末可以看货。');
  await q.click('#send-text');
  await q.waitForURL(/\?done=sent#send$/);
  assert.equal(await q.locator('.bubble.mine .receipt').last().innerText(), '未读');
  await shot(q, 'poster');

  // read receipts: the buyer's message is read (the poster opened it); the reply is read once the buyer opens it
  const b = await ctx.buyer.newPage();
  await b.goto(L.base + '/me/chats');
  assert.match(await b.locator(`.chat-row[data-id="${st.conv}"]`).innerText(), /1 条未读[\s\S]*我发起的/);
  await b.goto(L.base + `/me/chats/${st.conv}`);
  assert.equal(await b.locator('.bubble.mine .receipt').first().innerText(), '已读');
  assert.equal(await b.locator('.bubble:not(.mine) .text').last().innerText(), '还在的，周末可以看货。');
  await q.reload();
  assert.equal(await q.locator('.bubble.mine .receipt').last().innerText(), '已读');
  await b.close();
  await q.close();
});

test('C10: a voice note is uploaded with a file input and played with <audio>; wrong files are refused next to the field', async () => {
  const p = await ctx.buyer.newPage();
  await p.goto(L.base + `/me/chats/${st.conv}`);
  const note = amrNote(150); // 3 s of AMR-NB
  await p.setInputFiles('#audio', { name: 'note.amr', mimeType: 'audio/amr', buffer: note });
  await p.click('#send-voice');
  await p.waitForURL(/\?done=voice#send$/);
  const audio = p.locator('.bubble.mine audio').last();
  assert.match(await p.locator('.bubble.mine .voice').last().innerText(), /语音 3 秒/);
  const src = await audio.getAttribute('src');
  assert.match(src, new RegExp(`^/me/chats/${st.conv}/voice/\\d+$`));
  const got = await ctx.buyer.request.get(L.base + src);
  assert.equal(got.status(), 200);
  assert.equal(got.headers()['content-type'], 'audio/amr');
  assert.equal(got.headers()['cache-control'], 'private, no-store');
  assert.ok(Buffer.from(await got.body()).equals(note), 'the same bytes back');
  assert.equal((await ctx.poster.request.get(L.base + src)).status(), 200, 'the other member plays it');
  assert.equal((await ctx.stranger.request.get(L.base + src)).status(), 404, 'nobody else');
  await shot(p, 'voice');
  const before = count(`SELECT count(*) FROM chat_voice`);
  for (const [buffer, re, status] of [
    [Buffer.from('这不是语音文件'.repeat(20)), /只支持 AMR/, 415],
    [amrNote(3100), /最长 60 秒/, 422],
  ]) {
    await p.goto(L.base + `/me/chats/${st.conv}`);
    await p.setInputFiles('#audio', { name: 'x.amr', mimeType: 'audio/amr', buffer });
    const [res] = await Promise.all([p.waitForResponse((r) => r.url().endsWith('/voice')), p.click('#send-voice')]);
    assert.equal(res.status(), status);
    assert.match(await p.locator('#audio-error').innerText(), re);
    assert.equal(await p.locator('#audio').getAttribute('aria-invalid'), 'true');
  }
  assert.equal(count(`SELECT count(*) FROM chat_voice`), before, 'nothing stored');
  await p.close();
});

test('C10: someone else\'s conversation is the site\'s 404 page', async () => {
  const p = await ctx.stranger.newPage();
  const res = await p.goto(L.base + `/me/chats/${st.conv}`);
  assert.equal(res.status(), 404);
  assert.equal(await p.locator('h1').innerText(), '页面不存在');
  await p.goto(L.base + '/me/chats');
  assert.equal(await p.locator('#no-chats').count(), 1, 'an empty list for someone with no conversation');
  await p.close();
});

test('C2, H5, F5: a ticket opened from 客服 is answered and closed by support from the console; an overdue one is highlighted', async () => {
  const p = await ctx.buyer.newPage();
  await p.goto(L.base + '/me');
  await p.click('#tickets-link');
  await p.waitForURL(L.base + '/me/tickets');
  await axe(ctx.buyer, '/me/tickets');
  // the domain's check, shown next to its field, what was typed kept
  await p.check('#cat-complaint', { force: true });
  await p.fill('#subject', '卖');
  await p.fill('#text', '对方在对话里要求我先转账定金。');
  await p.click('#open-ticket');
  assert.match(await p.locator('#subject-error').innerText(), /2 到 60 个字/);
  assert.equal(await p.locator('#text').inputValue(), '对方在对话里要求我先转账定金。');
  assert.equal(count('SELECT count(*) FROM tickets'), 0);
  await p.fill('#subject', '卖家要求先转账');
  await p.click('#open-ticket');
  await p.waitForURL(/\/me\/tickets\/\d+\?done=opened$/);
  st.ticket = Number(p.url().match(/tickets\/(\d+)/)[1]);
  assert.equal(await p.locator('#status').innerText(), '等待客服答复');
  assert.match(await p.locator('#deadline').innerText(), /客服将于 \d+年\d+月\d+日 前答复/);
  await shot(p, 'ticket-open');
  await axe(ctx.buyer, `/me/tickets/${st.ticket}`);
  // a privacy request whose deadline has passed (moved in the database)
  await p.goto(L.base + '/me/tickets');
  await p.check('#cat-privacy', { force: true });
  await p.fill('#subject', '请删除我的浏览记录');
  await p.fill('#text', '请帮我删除全部浏览记录。');
  await p.click('#open-ticket');
  await p.waitForURL(/\/me\/tickets\/\d+\?done=opened$/);
  st.late = Number(p.url().match(/tickets\/(\d+)/)[1]);
  L.sql(`UPDATE tickets SET deadline_at = strftime('%s','now') - 3 * 86400 WHERE id = ${st.late}`);
  await p.goto(L.base + '/me/tickets');
  assert.match(await p.locator(`.ticket-row[data-id="${st.late}"]`).innerText(), /个人信息请求[\s\S]*已超过答复期限/);
  await shot(p, 'tickets');

  // support: a moderator alone is refused; with the support role the queue is ordered by deadline, overdue first
  const s = await (ctx.staff = await personContext(STAFF)).newPage();
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'moderator').code, 0);
  await s.goto(L.base + '/staff');
  await s.click('#staff-tickets-link');
  assert.equal(await s.locator('h1').innerText(), '没有权限');
  assert.equal(run(L.dir, 'staff', 'grant', STAFF, 'support').code, 0);
  await s.goto(L.base + '/staff/tickets');
  assert.match(await s.locator('#overdue-count').innerText(), /1 个工单已超过答复期限/);
  const rows = s.locator('.tickets-queue > li');
  assert.equal(await rows.count(), 2);
  assert.equal(Number(await rows.first().getAttribute('data-id')), st.late, 'earliest deadline first');
  assert.match(await rows.first().getAttribute('class'), /overdue/);
  assert.match(await rows.first().innerText(), /已超期 3 天/);
  assert.doesNotMatch(await rows.nth(1).getAttribute('class'), /overdue/);
  assert.ok(!(await s.locator('main').innerText()).includes('转账'), 'the queue shows no subject or text');
  await shot(s, 'staff-tickets');
  await axe(ctx.staff, '/staff/tickets');
  const reads = count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read'`);
  await s.click(`.tickets-queue > li[data-id="${st.ticket}"] a`);
  await s.waitForURL(L.base + `/staff/tickets/${st.ticket}`);
  assert.equal(await s.locator('h1').innerText(), '卖家要求先转账');
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read'`), reads + 1, 'the opening is audited');
  await s.fill('#text', '您好，平台不会要求先付定金，请勿转账。我们已核查该用户。');
  await s.click('#send-reply');
  await s.waitForURL(/\?done=replied$/);
  assert.equal(await s.locator('#status').innerText(), '客服已答复');
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.answered' AND subject = ${ctx.buyer.who.user.id}`), 1);
  await shot(s, 'staff-ticket');
  await axe(ctx.staff, `/staff/tickets/${st.ticket}`);
  await s.goto(L.base + `/staff/tickets/${st.late}`);
  await s.click('#close-ticket');
  await s.waitForURL(L.base + '/staff/tickets?done=closed');
  assert.equal(await s.locator('.tickets-queue > li').count(), 0, 'nothing left waiting');
  assert.equal(L.sql(`SELECT status FROM tickets WHERE id = ${st.late}`), 'closed');
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'ticket.closed'`), 1);

  // the person reads the answer, sees who read the ticket, and closes it
  await p.goto(L.base + `/me/tickets/${st.ticket}`);
  assert.equal(await p.locator('#status').innerText(), '客服已答复');
  assert.match(await p.locator('.bubble.staff .text').innerText(), /请勿转账/);
  await p.goto(L.base + '/me');
  assert.match(await p.locator('.reads').innerText(), /客服人员处理您的工单时查看了工单内容/);
  await p.goto(L.base + `/me/tickets/${st.ticket}`);
  await p.click('#close-ticket');
  await p.waitForURL(/\?done=closed$/);
  assert.equal(await p.locator('#status').innerText(), '已关闭');
  assert.equal(await p.locator('#send-reply').count(), 0, 'no reply to a closed ticket');
  await p.close();
  await s.close();
});

test('C4: an invitation code entered by a friend earns points; a gift asks for the delivery address only when claimed', async () => {
  const p = await ctx.poster.newPage();
  await p.goto(L.base + '/me');
  await p.click('#invite-link');
  await p.waitForURL(L.base + '/me/invite');
  const code = (await p.locator('#invite-code').innerText()).trim();
  assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/);
  assert.equal(await p.locator('#points').innerText(), '0');
  assert.equal(await p.locator('textarea, input[name="address"]').count(), 0, 'no address asked for here');
  assert.equal(await p.locator('#claim-tote_bag').count(), 0, 'not enough points yet');
  await axe(ctx.poster, '/me/invite');

  // a new account enters the code on its own page; a wrong one is refused next to the field
  const friend = await personContext('13600000011');
  const f = await friend.newPage();
  await f.goto(L.base + '/me/invite');
  await f.fill('#code', 'ZZZZZZZZ');
  await f.click('#accept-code');
  assert.match(await f.locator('#code-error').innerText(), /没有这个邀请码/);
  await f.fill('#code', code);
  await f.click('#accept-code');
  await f.waitForURL(L.base + '/me/invite?done=accepted');
  await friend.close();
  const second = await L.signIn('13600000012');
  assert.equal((await L.req('POST', '/api/v1/me/invitation', { token: second.token, body: { code } })).status, 201);

  await p.reload();
  assert.equal(await p.locator('#invited').innerText(), '2 人');
  assert.equal(await p.locator('#points').innerText(), '20');
  assert.match(await p.locator('.gift[data-gift="umbrella"]').innerText(), /还差 30 积分/);
  await shot(p, 'invite');
  await p.click('#claim-tote_bag');
  await p.waitForURL(L.base + '/me/invite/claim?gift=tote_bag');
  assert.match(await p.locator('#why').innerText(), /只用于寄送这份礼品[\s\S]*90 天删除/);
  await axe(ctx.poster, '/me/invite/claim?gift=tote_bag');
  await p.fill('#name', '王小明');
  await p.fill('#phone', '13912345678');
  await p.fill('#address', '天河区');
  await p.click('#claim');
  assert.match(await p.locator('#address-error').innerText(), /6 到 120 个字/);
  assert.equal(await p.locator('#name').inputValue(), '王小明', 'kept');
  assert.equal(count('SELECT count(*) FROM gift_claims'), 0);
  await p.fill('#address', '广州市天河区体育西路8号301室');
  await shot(p, 'gift-claim');
  await p.click('#claim');
  await p.waitForURL(L.base + '/me/invite?done=claimed#claims');
  assert.equal(await p.locator('#points').innerText(), '0');
  const claim = await p.locator('.claims').innerText();
  assert.match(claim, /邻里帆布袋[\s\S]*待寄出/);
  assert.match(claim, /139\*\*\*\*5678/, 'shown masked');
  assert.ok(!claim.includes('体育西路8号'), claim);
  const hex = L.sql('SELECT hex(address) FROM gift_claims');
  assert.ok(!Buffer.from(hex, 'hex').toString('utf8').includes('体育西路'), 'the address is sealed');
  assert.equal((await p.goto(L.base + '/me/invite/claim?gift=rocket')).status(), 404);
  await p.close();
});

test('H1: a child under 14 is held; the guardian consents on the child\'s device with the code sent to the guardian', async () => {
  const CHILD = '13600000021', GUARDIAN = '13600000022';
  const c = await personContext(CHILD);
  const p = await c.newPage();
  await p.goto(L.base + '/me');
  await p.fill('#p-birth_year', String(YEAR - 12));
  await p.click('#profile button[type=submit]');
  await p.waitForURL(/\/me\?done=profile/);
  assert.equal(await p.locator('#guardian-link').count(), 1, 'the held note links to the guardian page');
  const refused = await p.goto(L.base + '/post');
  assert.equal(refused.status(), 403);
  assert.equal(await p.locator('.links a').getAttribute('href'), '/me/guardian');
  await p.goto(L.base + '/me/guardian');
  assert.match(await p.locator('#held').innerText(), /未满14周岁[\s\S]*30 天内没有监护人同意[\s\S]*删除/);
  await shot(p, 'guardian-held');
  await axe(c, '/me/guardian');
  await p.fill('#guardian_phone', CHILD);
  await p.click('#send-guardian-code');
  assert.match(await p.locator('#gp-error').innerText(), /不能是您自己的号码/);
  await p.fill('#guardian_phone', GUARDIAN);
  await p.click('#send-guardian-code');
  await p.waitForURL(/\/me\/guardian\?done=sent#confirm$/);
  const sms = L.outbox().filter((m) => m.phone === GUARDIAN);
  assert.equal(sms.length, 1);
  assert.equal(sms[0].purpose, 'guardian');
  assert.ok(!sms[0].text.includes(CHILD), 'the guardian\'s SMS names nobody');
  assert.match(await p.locator('#confirm').innerText(), /136\*\*\*\*0022[\s\S]*致监护人/);
  await shot(p, 'guardian-confirm');
  await axe(c, '/me/guardian');
  await p.check('#agree');
  await p.fill('#code', sms[0].code === '000000' ? '111111' : '000000');
  await p.click('#guardian-confirm');
  assert.match(await p.locator('#code-error').innerText(), /验证码不正确/);
  await p.check('#agree');
  await p.fill('#code', sms[0].code);
  await p.click('#guardian-confirm');
  await p.waitForURL(L.base + '/me/guardian?done=consented');
  assert.match(await p.locator('#consented').innerText(), /监护人已于 .* 同意/);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'guardian.consented' AND subject = ${c.who.user.id}`), 1);
  assert.equal((await p.goto(L.base + '/post')).status(), 200, 'the account works after consent');
  await p.close();
  await c.close();
});

test('A4, G6: a password is set on 我的 with a fresh SMS code, then used to sign in on /login/password', async () => {
  const PHONE = '13600000031', PASSWORD = 'linli-安全-2024';
  const c = await personContext(PHONE);
  const p = await c.newPage();
  await p.goto(L.base + '/me');
  await p.click('#password-link');
  await p.waitForURL(L.base + '/me/password');
  assert.match(await p.locator('#pw-state').innerText(), /还没有设置登录密码/);
  await axe(c, '/me/password');
  await p.click('#send-code');
  assert.match(await p.locator('#code-sent').innerText(), /136\*\*\*\*0031/);
  const code = L.outbox().filter((m) => m.phone === PHONE && m.purpose === 'password').at(-1).code;
  await p.fill('#code', code);
  await p.fill('#password', PASSWORD);
  await p.fill('#password2', PASSWORD + 'x');
  await p.click('#set-password');
  assert.match(await p.locator('#password2-error').innerText(), /两次输入的密码不一致/);
  assert.equal(await p.locator('#password').inputValue(), '', 'a password is never written back into the page');
  await p.fill('#code', code);
  await p.fill('#password', PASSWORD);
  await p.fill('#password2', PASSWORD);
  await shot(p, 'password');
  await p.click('#set-password');
  await p.waitForURL(L.base + '/me/password?done=set');
  assert.match(await p.locator('#pw-state').innerText(), /已设置登录密码/);
  const hash = L.sql(`SELECT password_hash FROM users WHERE id = ${c.who.user.id}`);
  assert.match(hash, /^\$argon2id\$/);
  assert.ok(!hash.includes(PASSWORD));
  const uid = c.who.user.id;
  await c.close();

  // signed out: /login offers the password as the alternative; a wrong one is refused next to the field
  const anon = await newContext();
  const q = await anon.newPage();
  await q.goto(L.base + '/login?next=/me');
  await q.click('#password-login-link');
  await q.waitForURL(L.base + '/login/password?next=/me');
  await axe(anon, '/login/password');
  await q.fill('#phone', PHONE);
  await q.fill('#password', 'wrong-password');
  await q.click('#password-login');
  assert.match(await q.locator('#password-error').innerText(), /手机号码或密码不正确/);
  assert.equal(await q.locator('#password').inputValue(), '');
  await q.fill('#password', PASSWORD);
  await shot(q, 'login-password');
  await q.click('#password-login');
  await q.waitForURL(L.base + '/me');
  assert.match(await q.locator('.meta-line').innerText(), /136\*\*\*\*0031/);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE event = 'auth.login' AND subject = ${uid} AND json_extract(detail, '$.method') = 'password'`), 1);
  await anon.close();
});

test('no Content-Security-Policy violation on any of these pages', () => {
  assert.deepEqual(cspErrors, []);
});
