// sharing.test.mjs — every outbound share is recorded and shown (E1, E3, E4, E7, F1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Linli, freePort, run } from './lib.mjs';

const L = new Linli();
const ADMIN = '13577770001', A = '13577770002', B = '13577770003', C = '13577770004';
const names = { [A]: '共享甲', [B]: '共享乙', [C]: '共享丙' };
const ITEMS = ['pseudonym', 'listings.city', 'listings.category'];
let admin, a, b, c;

function exportOf(name) {
  const r = run(L.dir, 'share', 'export', name);
  return { ...r, lines: r.code === 0 ? r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [] };
}

before(async () => {
  await L.start();
  admin = await L.signIn(ADMIN);
  assert.equal(run(L.dir, 'staff', 'grant', ADMIN, 'admin').code, 0);
  [a, b, c] = [await L.signIn(A), await L.signIn(B), await L.signIn(C)];
  for (const [p, s] of [[A, a], [B, b], [C, c]]) {
    assert.equal((await L.req('PATCH', '/api/v1/me', { token: s.token, body: { username: names[p] } })).status, 200);
    const l = await L.req('POST', '/api/v1/listings', { token: s.token, body: { city: 4401, district: 440106,
      contact_phone: p, description: '共享测试', category: 'goods', title: `共享测试 ${names[p]}`, fields: { condition: '全新' } } });
    assert.equal(l.status, 201, l.text);
  }
  await L.req('PUT', '/api/v1/me/consents', { token: a.token, body: { partner_sharing: true } });
  await L.req('PUT', '/api/v1/me/consents', { token: b.token, body: { partner_sharing: true } });
  for (const [name, region] of [['甲数据', 'CN'], ['乙广告', 'CN'], ['丙海外', 'US']]) {
    const r = await L.req('POST', '/api/v1/admin/partners', { token: admin.token,
      body: { name, purpose: '统计分析', region, fields: ITEMS } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { await L.stop(); L.cleanup(); });

test('E4: only admins register partners, and only with export items', async () => {
  const body = { name: '丁', purpose: '广告', region: 'CN', fields: ITEMS };
  assert.equal((await L.req('POST', '/api/v1/admin/partners', { token: a.token, body })).status, 403);
  assert.equal((await L.req('POST', '/api/v1/admin/partners', { token: admin.token, body: { ...body, fields: ['users.phone'] } })).status, 422);
  assert.equal((await L.req('POST', '/api/v1/admin/partners', { token: admin.token, body: { ...body, region: 'china' } })).status, 422);
  assert.equal((await L.req('POST', '/api/v1/admin/partners', { token: admin.token, body: { ...body, name: '甲数据' } })).status, 409);
});

test('E4: a partner export holds only consenting people, and no direct identifier', async () => {
  const ex = exportOf('甲数据');
  assert.equal(ex.code, 0, ex.out);
  assert.equal(ex.lines.length, 2, 'A and B consented, C did not');
  const ids = L.sql('SELECT id FROM users').split('\n');
  for (const line of ex.lines) {
    assert.deepEqual(Object.keys(line).sort().filter((k) => k !== 'city_name'), ['categories', 'city', 'id']);
    assert.match(line.id, /^[0-9a-f]{32}$/);
    assert.ok(!ids.includes(line.id));
    assert.equal(line.city, 4401);
    assert.deepEqual(line.categories, ['goods']);
  }
  for (const secret of [A, B, C, ADMIN, ...Object.values(names), '127.0.0.1', '"user_id"', '"account"'])
    assert.ok(!ex.out.includes(secret), `the export must not contain ${secret}`);
  assert.equal(exportOf('不存在').code, 1);
});

test('E4: pseudonyms are stable for one partner and cannot be joined across partners', () => {
  const one = exportOf('甲数据').lines.map((l) => l.id), again = exportOf('甲数据').lines.map((l) => l.id);
  const other = exportOf('乙广告').lines.map((l) => l.id);
  assert.deepEqual(one, again);
  assert.equal(other.length, 2);
  for (const id of other) assert.ok(!one.includes(id));
});

test('F1: a partner outside the data region gets nothing without cross_border consent', async () => {
  const none = exportOf('丙海外');
  assert.equal(none.code, 1);
  assert.match(none.out, /cross_border/);
  const before = L.sql("SELECT count(*) FROM shares WHERE recipient = '丙海外'");
  assert.equal(before, '0', 'a refused export records nothing');
  await L.req('PUT', '/api/v1/me/consents', { token: a.token, body: { cross_border: true } });
  await L.req('PUT', '/api/v1/me/consents', { token: c.token, body: { cross_border: true } }); // but no partner_sharing
  const some = exportOf('丙海外');
  assert.equal(some.code, 0, some.out);
  assert.equal(some.lines.length, 1, 'only A agreed to both');
});

test('E1: each export is one summary row plus one row per included person, shown in /me/shares', async () => {
  assert.equal(L.sql("SELECT records FROM shares WHERE recipient = '乙广告' AND user_id IS NULL"), '2');
  assert.equal(L.sql("SELECT count(*) FROM shares WHERE recipient = '乙广告' AND user_id IS NOT NULL"), '2');
  const mine = await L.req('GET', '/api/v1/me/shares', { token: a.token });
  assert.equal(mine.status, 200);
  const r = mine.json.items.find((i) => i.recipient === '乙广告');
  assert.ok(r, mine.text);
  assert.equal(r.region, 'CN');
  assert.deepEqual(r.fields.map((f) => f.id), ITEMS);
  assert.ok(r.fields.every((f) => f.label));
  assert.ok(mine.json.items.some((i) => i.recipient === '丙海外'));
  const theirs = await L.req('GET', '/api/v1/me/shares', { token: c.token });
  assert.deepEqual(theirs.json.items, [], 'C consented to nothing and was shared with no one');
});

test('E3: a disclosure to an authority needs an admin and a legal document reference', async () => {
  const uid = Number(L.sql(`SELECT id FROM users ORDER BY id LIMIT 1 OFFSET 3`)); // C
  const body = { recipient: '某市公安局', fields: ['users.phone', 'listings.title'], reference: '（2024）公调字第1号', user_id: uid };
  assert.equal((await L.req('POST', '/api/v1/admin/disclosures', { token: a.token, body })).status, 403);
  const { reference, ...noRef } = body;
  assert.equal((await L.req('POST', '/api/v1/admin/disclosures', { token: admin.token, body: noRef })).status, 400);
  assert.equal((await L.req('POST', '/api/v1/admin/disclosures', { token: admin.token, body: { ...body, reference: '' } })).status, 422);
  assert.equal((await L.req('POST', '/api/v1/admin/disclosures', { token: admin.token, body: { ...body, fields: ['users.nope'] } })).status, 422);
  const ok = await L.req('POST', '/api/v1/admin/disclosures', { token: admin.token, body });
  assert.equal(ok.status, 201, ok.text);
  const theirs = await L.req('GET', '/api/v1/me/shares', { token: c.token });
  assert.equal(theirs.json.items.length, 1);
  assert.equal(theirs.json.items[0].basis, '法定义务');
  assert.equal(theirs.json.items[0].reference, reference);
  assert.equal(L.sql("SELECT count(*) FROM audit_log WHERE event = 'share.recorded' AND subject = " + uid), '1');
});

test('E7: the published sharing list names every registered partner, from the partners table', async () => {
  const r = await L.req('GET', '/api/v1/privacy/sharing');
  assert.equal(r.status, 200);
  const p = r.json.recipients.find((x) => x.name === '丙海外');
  assert.ok(p, r.text);
  assert.equal(p.kind, '去标识化数据导出');
  assert.equal(p.purpose, '统计分析');
  assert.equal(p.cross_border, true);
  assert.match(p.region, /^US/);
  assert.deepEqual(p.fields.map((f) => f.id), ITEMS);
  assert.ok(p.fields.every((f) => f.label && !/^[a-z.]+$/.test(f.label)), 'fields by Chinese label');
  const page = await L.req('GET', '/privacy');
  assert.ok(page.text.includes('甲数据') && page.text.includes('去标识化数据导出'));
});

test('F1: cross-border transfer is a consent purpose of its own', async () => {
  const r = await L.req('GET', '/api/v1/me/consents', { token: b.token });
  assert.ok(r.json.items.some((i) => i.purpose === 'cross_border'));
});

test('E1: the HTTP SMS gateway is recorded as a share of the phone number; the outbox is not', async () => {
  assert.equal(L.sql("SELECT count(*) FROM shares WHERE fields LIKE '%users.phone%' AND basis != '法定义务'"), '0');
  const port = await freePort();
  const received = [];
  const provider = createServer((req, res) => {
    let s = '';
    req.on('data', (d) => { s += d; });
    req.on('end', () => { received.push(JSON.parse(s)); res.writeHead(200).end('{}'); });
  });
  await new Promise((r) => provider.listen(port, '127.0.0.1', r));
  const S = new Linli({ sms_gateway: 'http', sms_http_url: `http://127.0.0.1:${port}/send`, sms_http_token: 't', sms_interval_s: 0 });
  try {
    await S.start();
    const phone = '13577779999';
    await S.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
    const code = received.at(-1).text.match(/\d{6}/)[0];
    const login = await S.req('POST', '/api/v1/auth/login', { body: { phone, code, accept_policy_version: 1 } });
    assert.equal(login.status, 200, login.text);
    assert.equal((await S.req('POST', '/api/v1/auth/sms-code', { body: { phone } })).status, 202);
    assert.equal(S.sql('SELECT count(*) FROM shares'), '2', 'one row per message');
    assert.equal(S.sql('SELECT count(*) FROM shares WHERE user_id IS NULL'), '1', 'the first went to a number without an account yet');
    const mine = await S.req('GET', '/api/v1/me/shares', { token: login.json.token });
    assert.equal(mine.json.items.length, 1);
    assert.equal(mine.json.items[0].recipient, '127.0.0.1');
    assert.deepEqual(mine.json.items[0].fields.map((f) => f.id), ['users.phone']);
    assert.equal(mine.json.items[0].basis, '订立、履行您作为一方当事人的合同所必需');
  } finally {
    await S.stop(); S.cleanup(); provider.close();
  }
});
