// chat.test.mjs — 微聊 between a listing's poster and an interested person (C10, E1, E5, F2, F5, G4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linli, run, amrNote, multipartUpload } from './lib.mjs';

const L = new Linli();
let poster, asker, outsider, mod, listing, conv;
const goods = { category: 'goods', subcategory: 'digital', title: '九成新 相机 出售', description: '自用相机，急出',
  price: 150000, city: 4401, district: 440106, contact_phone: '13700001111', fields: { condition: '九成新' } };

const amr = amrNote;
const upload = (name, bytes, filename = 'voice.amr', type = 'audio/amr') => multipartUpload(name, bytes, filename, type);

const send = (who, id, text, extra = {}) => L.req('POST', `/api/v1/conversations/${id}/messages`, { token: who.token, body: { text, ...extra } });
const messages = (who, id, q = '') => L.req('GET', `/api/v1/conversations/${id}/messages${q}`, { token: who.token });

before(async () => {
  await L.start();
  poster = await L.signIn('13700001111');
  asker = await L.signIn('13700002222');
  outsider = await L.signIn('13700003333');
  mod = await L.signIn('13700004444');
  assert.equal(run(L.dir, 'staff', 'grant', '13700004444', 'moderator').code, 0);
  listing = (await L.req('POST', '/api/v1/listings', { token: poster.token, body: goods })).json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('C10: an interested person opens one conversation about a published listing; the poster cannot chat with themselves', async () => {
  let res = await L.req('POST', '/api/v1/conversations', { token: asker.token, body: { subject_kind: 'listing', subject_id: listing, text: '你好，相机还在吗？' } });
  assert.equal(res.status, 201, res.text);
  conv = res.json.id;
  assert.deepEqual(res.json.subject, { kind: 'listing', id: listing, title: goods.title });
  assert.equal(res.json.role, 'starter');
  res = await L.req('POST', '/api/v1/conversations', { token: asker.token, body: { subject_kind: 'listing', subject_id: listing } });
  assert.equal(res.status, 200, 'the same conversation again, not a second one');
  assert.equal(res.json.id, conv);
  res = await L.req('POST', '/api/v1/conversations', { token: poster.token, body: { subject_kind: 'listing', subject_id: listing } });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.field, 'subject_id');
  res = await L.req('POST', '/api/v1/conversations', { token: asker.token, body: { subject_kind: 'listing', subject_id: 999999 } });
  assert.equal(res.status, 404);
  res = await L.req('POST', '/api/v1/conversations', { token: asker.token, body: { subject_kind: 'planet', subject_id: listing } });
  assert.equal(res.status, 422);
  assert.equal((await L.req('POST', '/api/v1/conversations', { body: { subject_kind: 'listing', subject_id: listing } })).status, 401);
  const mine = await L.req('GET', '/api/v1/conversations', { token: poster.token });
  assert.equal(mine.json.items.length, 1);
  assert.equal(mine.json.items[0].role, 'owner');
  assert.equal(mine.json.items[0].unread, 1);
});

test('C10: phone numbers, e-mail and WeChat ids reach the recipient masked unless the sender shares them (E1, E5)', async () => {
  const text = '我的电话 139 1234 5678，微信 camera_fan88，邮箱 fan@example.com';
  let res = await send(poster, conv, text);
  assert.equal(res.status, 201, res.text);
  const theirs = (await messages(asker, conv)).json.items[0];
  assert.equal(theirs.masked, true);
  assert.ok(!theirs.text.includes('1234 5678') && !theirs.text.includes('camera_fan88') && !theirs.text.includes('fan@'), theirs.text);
  assert.match(theirs.text, /139\*\*\*\*5678/);
  const own = (await messages(poster, conv)).json.items[0];
  assert.equal(own.text, text, 'the sender sees what they wrote');
  assert.equal(own.mine, true);
  // the sender chooses to show a number: the recipient sees it, and the share is on record for the sender
  res = await send(poster, conv, '直接打 13912345678', { share_contact: true });
  assert.equal(res.status, 201);
  assert.equal(res.json.shared, true);
  const shown = (await messages(asker, conv)).json.items[0];
  assert.equal(shown.text, '直接打 13912345678');
  assert.equal(shown.shared, true);
  const shares = await L.req('GET', '/api/v1/me/shares', { token: poster.token });
  assert.ok(shares.json.items.some((s) => JSON.stringify(s).includes('chat_messages.body')), shares.text);
  assert.equal(L.sql(`SELECT count(*) FROM shares WHERE user_id = ${poster.user.id}`), '1');
  // nothing to show: no share is recorded
  res = await send(poster, conv, '好的', { share_contact: true });
  assert.equal(res.json.shared, false);
  assert.equal(L.sql(`SELECT count(*) FROM shares WHERE user_id = ${poster.user.id}`), '1');
});

test('F3/C10: message text is sealed in the database', async () => {
  assert.equal(L.sql("SELECT count(*) FROM chat_messages WHERE instr(body, CAST('相机还在吗' AS BLOB)) > 0"), '0');
  assert.equal(L.sql(`SELECT count(*) FROM chat_messages WHERE conversation_id = ${conv}`), '4');
});

test('C10: only the two members can see or touch a conversation; anyone else gets 404 and nothing is written', async () => {
  const before = L.sql('SELECT count(*) FROM chat_messages') + L.sql('SELECT group_concat(read_upto || blocked) FROM chat_members');
  const calls = [
    ['GET', `/api/v1/conversations/${conv}`], ['GET', `/api/v1/conversations/${conv}/messages`],
    ['POST', `/api/v1/conversations/${conv}/messages`, { text: '插一句' }], ['POST', `/api/v1/conversations/${conv}/read`, {}],
    ['POST', `/api/v1/conversations/${conv}/block`], ['DELETE', `/api/v1/conversations/${conv}/block`],
    ['POST', `/api/v1/conversations/${conv}/report`, { reason: 'spam' }], ['GET', `/api/v1/conversations/${conv}/messages/1/audio`],
    ['GET', '/api/v1/conversations/999999'],
  ];
  for (const [m, p, body] of calls) {
    const res = await L.req(m, p, { token: outsider.token, body });
    assert.equal(res.status, 404, `${m} ${p}`);
    assert.equal(res.json.error.code, 'not_found');
  }
  const v = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: outsider.token, ...upload('audio', amr(50)) });
  assert.equal(v.status, 404);
  assert.equal((await L.req('GET', '/api/v1/conversations', { token: outsider.token })).json.items.length, 0);
  const after = L.sql('SELECT count(*) FROM chat_messages') + L.sql('SELECT group_concat(read_upto || blocked) FROM chat_members');
  assert.equal(after, before);
});

test('C10: read receipts — the sender sees when the recipient has read up to a message', async () => {
  const sent = (await send(asker, conv, '可以便宜点吗？')).json;
  assert.equal(sent.read, false);
  assert.equal((await messages(asker, conv)).json.items[0].read, false);
  assert.equal((await L.req('GET', `/api/v1/conversations/${conv}`, { token: poster.token })).json.unread, 1);
  const r = await L.req('POST', `/api/v1/conversations/${conv}/read`, { token: poster.token, body: { up_to: sent.id } });
  assert.equal(r.status, 200);
  assert.equal(r.json.read_upto, sent.id);
  assert.equal((await messages(asker, conv)).json.items[0].read, true);
  assert.equal((await L.req('GET', `/api/v1/conversations/${conv}`, { token: poster.token })).json.unread, 0);
  const far = await L.req('POST', `/api/v1/conversations/${conv}/read`, { token: poster.token, body: { up_to: sent.id + 1000 } });
  assert.equal(far.json.read_upto, sent.id, 'a receipt never runs ahead of the messages');
});

test('C10: messages and conversations page with keyset cursors', async () => {
  for (let i = 1; i <= 5; i++) assert.equal((await send(asker, conv, `第${i}条`)).status, 201);
  const seen = [];
  let q = '?limit=4';
  for (;;) {
    const res = await messages(asker, conv, q);
    assert.equal(res.status, 200);
    seen.push(...res.json.items.map((m) => m.id));
    if (!res.json.next_cursor) break;
    q = `?limit=4&before=${res.json.next_cursor}`;
  }
  assert.equal(seen.length, 10);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'newest first, no repeats');
  assert.equal(new Set(seen).size, 10);
  const newer = await messages(asker, conv, `?after=${seen[3]}`);
  assert.deepEqual(newer.json.items.map((m) => m.id), seen.slice(0, 3).reverse(), 'polling: oldest first after a known id');
  assert.equal((await messages(asker, conv, '?limit=0')).status, 422);
  assert.equal((await messages(asker, conv, '?before=abc')).status, 422);
  // conversation list: three more listings, three more conversations, two per page
  for (let i = 0; i < 3; i++) {
    const id = (await L.req('POST', '/api/v1/listings', { token: poster.token, body: { ...goods, title: `相机配件 ${i} 号` } })).json.id;
    assert.equal((await L.req('POST', '/api/v1/conversations', { token: asker.token, body: { subject_kind: 'listing', subject_id: id, text: '在吗' } })).status, 201);
  }
  const ids = [];
  let cursor = '';
  for (let pages = 0; pages < 5; pages++) {
    const res = await L.req('GET', `/api/v1/conversations?limit=2${cursor}`, { token: asker.token });
    ids.push(...res.json.items.map((c) => c.id));
    if (!res.json.next_cursor) break;
    cursor = `&cursor=${res.json.next_cursor}`;
  }
  assert.equal(ids.length, 4);
  assert.equal(new Set(ids).size, 4);
  assert.equal((await L.req('GET', '/api/v1/conversations?cursor=x.y', { token: asker.token })).status, 422);
});

test('C10: voice notes — type by content, size and length limits, served only to the members', async () => {
  const note = amr(150); // 3 seconds
  let res = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('audio', note) });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.kind, 'voice');
  assert.deepEqual(res.json.voice, { type: 'audio/amr', duration_ms: 3000 });
  const id = res.json.id;
  const got = await fetch(`${L.base}/api/v1/conversations/${conv}/messages/${id}/audio`, { headers: { authorization: `Bearer ${poster.token}` } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'audio/amr');
  assert.match(got.headers.get('cache-control'), /no-store/);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(note));
  assert.equal(L.sql(`SELECT count(*) FROM chat_voice WHERE instr(audio, CAST('#!AMR' AS BLOB)) > 0`), '0', 'sealed at rest');
  // a photo called voice.amr and declared audio/amr is still a photo
  const jpeg = readFileSync(new URL('../data/photos/gps.jpg', import.meta.url));
  res = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('audio', jpeg) });
  assert.equal(res.status, 415);
  assert.equal(res.json.error.code, 'voice_unsupported_type');
  const broken = amr(10).subarray(0, 6 + 32 * 9 + 7);
  res = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('audio', broken) });
  assert.equal(res.json.error.code, 'voice_corrupt');
  res = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('audio', amr(3001)) });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.code, 'voice_too_long');
  res = await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('audio', Buffer.alloc(1024 * 1024 + 1)) });
  assert.equal(res.status, 413);
  assert.equal((await L.req('POST', `/api/v1/conversations/${conv}/voice`, { token: asker.token, ...upload('sound', note) })).status, 400);
  assert.equal(L.sql(`SELECT count(*) FROM chat_voice`), '1', 'refused uploads leave nothing');
});

test('C10: blocking stops the other side; a report blocks too and reaches moderators, whose reading is audited (F5)', async () => {
  assert.equal((await L.req('POST', `/api/v1/conversations/${conv}/block`, { token: poster.token })).status, 200);
  let res = await send(asker, conv, '还在吗');
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'chat_blocked');
  assert.equal((await L.req('GET', `/api/v1/conversations/${conv}`, { token: asker.token })).json.blocked_by_peer, true);
  assert.equal((await L.req('DELETE', `/api/v1/conversations/${conv}/block`, { token: poster.token })).status, 200);
  assert.equal((await send(asker, conv, '还在吗')).status, 201);
  res = await L.req('POST', `/api/v1/conversations/${conv}/report`, { token: poster.token, body: { reason: 'nonsense' } });
  assert.equal(res.status, 422);
  res = await L.req('POST', `/api/v1/conversations/${conv}/report`, { token: poster.token, body: { reason: 'harassment' } });
  assert.equal(res.status, 201);
  assert.equal((await L.req('POST', `/api/v1/conversations/${conv}/report`, { token: poster.token, body: { reason: 'spam' } })).status, 409);
  assert.equal((await send(asker, conv, '？')).status, 409, 'reporting blocks');
  assert.equal((await L.req('GET', '/api/v1/admin/chat-reports', { token: asker.token })).status, 403);
  const queue = await L.req('GET', '/api/v1/admin/chat-reports', { token: mod.token });
  assert.equal(queue.json.items.length, 1);
  const read = await L.req('GET', `/api/v1/admin/chat-reports/${queue.json.items[0].id}`, { token: mod.token });
  assert.equal(read.status, 200);
  assert.ok(read.json.items.some((m) => m.text.includes('camera_fan88')), 'moderators see the text unmasked');
  for (const who of [poster, asker]) {
    const reads = await L.req('GET', '/api/v1/me/reads', { token: who.token });
    assert.ok(reads.json.items.some((i) => i.event === 'chat.staff_read' && i.who === 'moderator'), reads.text);
  }
  assert.equal(L.sql("SELECT DISTINCT json_extract(detail, '$.actor_roles') FROM audit_log WHERE event = 'chat.staff_read'"), 'moderator',
    'F5: the reader\'s role at the time is in the chained entry');
});

test('G4: cancelling one member erases their messages and voice notes; the other keeps their own', async () => {
  const other = await L.signIn('13700005555');
  const res = await L.req('POST', '/api/v1/conversations', { token: other.token, body: { subject_kind: 'listing', subject_id: listing, text: '我是买家，要注销了' } });
  const c2 = res.json.id;
  await L.req('POST', `/api/v1/conversations/${c2}/voice`, { token: other.token, ...upload('audio', amr(20)) });
  await send(poster, c2, '卖家的回复');
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  assert.equal((await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13700005555', purpose: 'cancel' } })).status, 202);
  const code = L.outbox().filter((m) => m.phone === '13700005555' && m.purpose === 'cancel').at(-1).code;
  const gone = await L.req('DELETE', '/api/v1/me', { token: other.token, body: { code } });
  assert.equal(gone.status, 200, gone.text);
  assert.ok(gone.json.erased.some((e) => e.table === 'chat_messages' && e.rows === 2));
  assert.equal(L.sql(`SELECT count(*) FROM chat_messages WHERE sender_id = ${other.user.id}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM chat_members WHERE user_id = ${other.user.id}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM chat_voice v JOIN chat_messages m ON m.id = v.message_id WHERE m.conversation_id = ${c2}`), '0');
  const left = await messages(poster, c2);
  assert.equal(left.status, 200);
  assert.deepEqual(left.json.items.map((m) => m.text), ['卖家的回复']);
  assert.equal((await L.req('GET', `/api/v1/conversations/${c2}`, { token: poster.token })).json.peer.gone, true);
  const more = await send(poster, c2, '还在吗');
  assert.equal(more.status, 409);
  assert.equal(more.json.error.code, 'chat_peer_gone');
});

test('F2: chat is kept 180 days after the last message, then the sweep removes messages, memberships and empty conversations', async () => {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 179 * 86400)).code, 0);
  assert.notEqual(L.sql('SELECT count(*) FROM chat_messages'), '0', 'inside the period nothing goes');
  const r = run(L.dir, 'retention', 'run', '--now', String(now + 181 * 86400));
  assert.equal(r.code, 0, r.out);
  for (const t of ['chat_messages', 'chat_voice', 'chat_members', 'chat_conversations', 'chat_reports'])
    assert.equal(L.sql(`SELECT count(*) FROM ${t}`), '0', t);
  const again = await L.signIn('13700002222'); // the sweep ended the old sessions too
  assert.equal((await L.req('GET', '/api/v1/conversations', { token: again.token })).json.items.length, 0);
});
