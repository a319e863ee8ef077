// export.test.mjs — the data export holds everything, however much there is (G5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli } from './lib.mjs';

const L = new Linli();
let poster, asker, conv;
const goods = { category: 'goods', subcategory: 'digital', title: '九成新 相机 出售', description: '自用相机，急出',
  price: 150000, city: 4401, district: 440106, contact_phone: '13700011111', fields: { condition: '九成新' } };

before(async () => {
  await L.start();
  poster = await L.signIn('13700011111');
  asker = await L.signIn('13700012222');
  const listing = (await L.req('POST', '/api/v1/listings', { token: poster.token, body: goods })).json.id;
  const res = await L.req('POST', '/api/v1/conversations', { token: asker.token,
    body: { subject_kind: 'listing', subject_id: listing, text: '第一条消息' } });
  assert.equal(res.status, 201, res.text);
  conv = res.json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

// The tar's files by name.
function untar(buf) {
  const files = {};
  for (let off = 0; off + 512 <= buf.length;) {
    const name = buf.subarray(off, off + 100).toString().replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(buf.subarray(off + 124, off + 136).toString(), 8);
    files[name] = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

test('G5: a person with more than 1,000 chat messages gets every one of them in the export', async () => {
  const text = '周六上午方便看货吗';
  const sent = await L.req('POST', `/api/v1/conversations/${conv}/messages`, { token: asker.token, body: { text } });
  assert.equal(sent.status, 201, sent.text);
  // 1,200 more copies of that sealed message (sealed with the sender's key for chat_messages.body, so each opens)
  L.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
    INSERT INTO chat_messages(conversation_id, sender_id, kind, body, shared, created_at)
    SELECT m.conversation_id, m.sender_id, m.kind, m.body, m.shared, m.created_at FROM n, chat_messages m WHERE m.id = ${sent.json.id}`);
  const total = Number(L.sql(`SELECT count(*) FROM chat_messages WHERE sender_id = ${asker.user.id}`));
  assert.equal(total, 1202);
  const res = await fetch(L.base + '/api/v1/me/export', { headers: { authorization: `Bearer ${asker.token}` } });
  assert.equal(res.status, 200);
  const data = JSON.parse(untar(Buffer.from(await res.arrayBuffer()))['linli-export/data.json'].toString());
  const body = data.categories.flatMap((c) => c.fields).find((f) => f.field === 'chat_messages.body');
  assert.equal(body.values.length, total, 'every message, not the first 1,000');
  assert.equal(body.values.filter((v) => v === text).length, 1201);
  assert.ok(body.values.includes('第一条消息'));
  const view = await L.req('GET', '/api/v1/me/data', { token: asker.token });
  assert.equal(view.json.categories.flatMap((c) => c.fields).find((f) => f.field === 'chat_messages.body').values.length, total);
});
