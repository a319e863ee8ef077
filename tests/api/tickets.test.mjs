// tickets.test.mjs — customer service tickets and complaints (C2, H5, B11, F2, F5, G4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linli, run, multipartUpload } from './lib.mjs';

const L = new Linli();
let user, other, support, mod, ticket, listing;
const DAY = 86400;

before(async () => {
  await L.start();
  user = await L.signIn('13600001111');
  other = await L.signIn('13600002222');
  support = await L.signIn('13600003333');
  mod = await L.signIn('13600004444');
  assert.equal(run(L.dir, 'staff', 'grant', '13600003333', 'support').code, 0);
  assert.equal(run(L.dir, 'staff', 'grant', '13600004444', 'moderator').code, 0);
  listing = (await L.req('POST', '/api/v1/listings', { token: other.token, body: { category: 'goods', title: '可疑的手机', description: '低价',
    city: 4401, contact_phone: '13600002222', fields: { condition: '全新' } } })).json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('C2/H5: anyone signed in opens a ticket; it carries its 15-day deadline and the conversation', async () => {
  const res = await L.req('POST', '/api/v1/tickets', { token: user.token, body: { category: 'complaint', subject: '卖家不发货',
    text: '付款后卖家一直不回复，电话 13600001111', listing_id: listing } });
  assert.equal(res.status, 201, res.text);
  ticket = res.json.id;
  assert.equal(res.json.status, 'open');
  assert.equal(res.json.listing_id, listing);
  const days = (Date.parse(res.json.deadline_at) - Date.parse(res.json.created_at)) / 1000 / DAY;
  assert.equal(days, 15);
  assert.equal(res.json.overdue, false);
  assert.equal(res.json.messages.length, 1);
  assert.equal(res.json.messages[0].from, 'user');
  const bad = [[{ category: 'gossip', subject: '标题', text: '内容' }, 'category'], [{ category: 'question', subject: '', text: '内容' }, 'subject'],
    [{ category: 'question', subject: '标题', text: '' }, 'text'], [{ category: 'question', subject: '标题', text: '内容', listing_id: 999999 }, 'listing_id']];
  for (const [body, field] of bad) {
    const r = await L.req('POST', '/api/v1/tickets', { token: user.token, body });
    assert.equal(r.status, 422, field);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await L.req('POST', '/api/v1/tickets', { body: bad[0][0] })).status, 401);
  assert.equal(L.sql("SELECT count(*) FROM tickets"), '1', 'refused tickets leave nothing');
  assert.equal(L.sql("SELECT count(*) FROM tickets WHERE instr(subject, CAST('不发货' AS BLOB)) > 0"), '0', 'sealed');
  const mine = await L.req('GET', '/api/v1/tickets', { token: user.token });
  assert.deepEqual(mine.json.items.map((t) => [t.id, t.subject]), [[ticket, '卖家不发货']]);
});

test('C2: a ticket is its author\'s and support\'s only — anyone else, moderators included, gets 404 or 403', async () => {
  for (const [m, p, body] of [['GET', `/api/v1/tickets/${ticket}`], ['POST', `/api/v1/tickets/${ticket}/messages`, { text: '插话' }],
    ['POST', `/api/v1/tickets/${ticket}/close`, {}], ['GET', `/api/v1/tickets/${ticket}/messages/1/photo`]]) {
    const r = await L.req(m, p, { token: other.token, body });
    assert.equal(r.status, 404, `${m} ${p}`);
  }
  assert.equal((await L.req('GET', '/api/v1/tickets', { token: other.token })).json.items.length, 0);
  assert.equal((await L.req('GET', `/api/v1/admin/tickets/${ticket}`, { token: mod.token })).status, 403);
  assert.equal((await L.req('GET', '/api/v1/admin/tickets', { token: user.token })).status, 403);
  assert.equal(L.sql('SELECT count(*) FROM ticket_messages'), '1');
});

test('B11/C2: a photo attachment goes through the photo pipeline and is served only to the author and support', async () => {
  const jpeg = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
  let res = await L.req('POST', `/api/v1/tickets/${ticket}/photos`, { token: user.token, ...multipartUpload('photo', jpeg, 'shot.jpg', 'image/jpeg') });
  assert.equal(res.status, 201, res.text);
  const path = res.json.photo;
  const got = await fetch(L.base + path, { headers: { authorization: `Bearer ${user.token}` } });
  assert.equal(got.status, 200);
  const bytes = Buffer.from(await got.arrayBuffer());
  assert.equal(bytes[0], 0xff);
  assert.ok(!bytes.includes(Buffer.from('GPS')) && !bytes.includes(Buffer.from('Exif')), 'no metadata survives');
  assert.equal((await fetch(L.base + path, { headers: { authorization: `Bearer ${other.token}` } })).status, 404);
  res = await L.req('POST', `/api/v1/tickets/${ticket}/photos`, { token: user.token, ...multipartUpload('photo', Buffer.from('#!AMR\n not a photo'), 'x.jpg', 'image/jpeg') });
  assert.equal(res.status, 415);
});

test('H5/F5: support sees the queue by deadline with overdue highlighted; opening a ticket is audited', async () => {
  const later = await L.req('POST', '/api/v1/tickets', { token: other.token, body: { category: 'question', subject: '怎么改密码', text: '请问' } });
  L.sql(`UPDATE tickets SET created_at = created_at - 20 * ${DAY}, deadline_at = deadline_at - 20 * ${DAY} WHERE id = ${ticket}`);
  const q = await L.req('GET', '/api/v1/admin/tickets', { token: support.token });
  assert.equal(q.status, 200);
  assert.deepEqual(q.json.items.map((t) => t.id), [ticket, later.json.id], 'earliest deadline first');
  assert.equal(q.json.items[0].overdue, true);
  assert.equal(q.json.items[1].overdue, false);
  assert.equal(q.json.overdue, 1);
  assert.ok(!('subject' in q.json.items[0]), 'the queue shows no personal data');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read'`), '0');
  const open = await L.req('GET', `/api/v1/admin/tickets/${ticket}`, { token: support.token });
  assert.equal(open.status, 200);
  assert.equal(open.json.subject, '卖家不发货');
  assert.match(open.json.messages[0].text, /13600001111/);
  const ph = await fetch(L.base + open.json.messages[1].photo, { headers: { authorization: `Bearer ${support.token}` } });
  assert.equal(ph.status, 200);
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'ticket.staff_read' AND subject = ${user.user.id}`), '2');
  const reads = await L.req('GET', '/api/v1/me/reads', { token: user.token });
  assert.ok(reads.json.items.some((i) => i.event === 'ticket.staff_read' && i.who === 'support'), reads.text);
  assert.equal(L.sql("SELECT DISTINCT json_extract(detail, '$.actor_roles') FROM audit_log WHERE event = 'ticket.staff_read'"), 'support',
    'F5: the reader\'s role at the time is in the chained entry, so a later change of role does not rewrite it');
});

test('H5: an answer clears the overdue flag; a follow-up waits again with a fresh deadline; the user sees the conversation', async () => {
  let res = await L.req('POST', `/api/v1/admin/tickets/${ticket}/messages`, { token: support.token, body: { text: '已联系卖家，请耐心等待' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'answered');
  assert.equal(res.json.overdue, false);
  const q = await L.req('GET', '/api/v1/admin/tickets', { token: support.token });
  assert.ok(!q.json.items.some((t) => t.id === ticket), 'answered tickets leave the open queue');
  assert.ok((await L.req('GET', '/api/v1/admin/tickets?status=all', { token: support.token })).json.items.some((t) => t.id === ticket));
  const seen = await L.req('GET', `/api/v1/tickets/${ticket}`, { token: user.token });
  assert.deepEqual(seen.json.messages.map((m) => m.from), ['user', 'user', 'support']);
  assert.equal(seen.json.messages[2].text, '已联系卖家，请耐心等待');
  res = await L.req('POST', `/api/v1/tickets/${ticket}/messages`, { token: user.token, body: { text: '还是没发货' } });
  assert.equal(res.json.status, 'open');
  const due = (Date.parse(res.json.deadline_at) - Date.now()) / 1000 / DAY;
  assert.ok(due > 14.9 && due <= 15, `fresh deadline: ${due}`);
});

test('F2: a closed ticket is kept 180 days, then swept; one left answered is closed after 30 idle days', async () => {
  assert.equal((await L.req('POST', `/api/v1/tickets/${ticket}/close`, { token: user.token })).status, 200);
  assert.equal((await L.req('POST', `/api/v1/tickets/${ticket}/messages`, { token: user.token, body: { text: '再问' } })).status, 409);
  const t2 = (await L.req('GET', '/api/v1/tickets', { token: other.token })).json.items[0].id;
  await L.req('POST', `/api/v1/admin/tickets/${t2}/messages`, { token: support.token, body: { text: '在设置里改' } });
  const now = Math.floor(Date.now() / 1000);
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 31 * DAY)).code, 0);
  assert.equal(L.sql(`SELECT status FROM tickets WHERE id = ${t2}`), 'closed', 'idle answered ticket closed');
  assert.equal(L.sql('SELECT count(*) FROM tickets'), '2', 'still kept');
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 181 * DAY)).code, 0);
  assert.equal(L.sql(`SELECT count(*) FROM tickets WHERE id = ${ticket}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM ticket_messages WHERE ticket_id = ${ticket}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM tickets WHERE id = ${t2}`), '1', 'closed at +31 days: kept until +211');
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 212 * DAY)).code, 0);
  assert.equal(L.sql('SELECT count(*) FROM tickets'), '0');
});

test('G4: cancelling the account erases its tickets and their conversation', async () => {
  const fresh = await L.signIn('13600005555');
  const t = await L.req('POST', '/api/v1/tickets', { token: fresh.token, body: { category: 'privacy', subject: '删除我的数据', text: '请删除' } });
  assert.equal(t.status, 201);
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13600005555', purpose: 'cancel' } });
  const code = L.outbox().filter((m) => m.phone === '13600005555' && m.purpose === 'cancel').at(-1).code;
  const res = await L.req('DELETE', '/api/v1/me', { token: fresh.token, body: { code } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.erased.some((e) => e.table === 'tickets' && e.rows === 1));
  assert.equal(L.sql(`SELECT count(*) FROM ticket_messages WHERE ticket_id = ${t.json.id}`), '0');
});
