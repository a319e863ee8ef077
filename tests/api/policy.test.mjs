// policy.test.mjs — past versions of the privacy policy stay readable as they were published (H4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli({ operator_name: '邻里测试运营方' });
const ADMIN = '13544440001';
let admin, v11, v20;
const publish = (body) => L.req('POST', '/api/v1/admin/policy', { token: admin.token, body });
const recipients = (content) => content.sharing.recipients.map((x) => x.name);

before(async () => {
  await L.start();
  admin = await L.signIn(ADMIN);
  assert.equal(run(L.dir, 'staff', 'grant', ADMIN, 'admin').code, 0);
  v11 = (await publish({ version: '1.1', major: false, summary: '措辞调整' })).json.id;
  // the sharing list changes after 1.1 was published: a partner is registered
  const p = await L.req('POST', '/api/v1/admin/partners', { token: admin.token,
    body: { name: '后来的合作方', purpose: '统计分析', region: 'CN', fields: ['pseudonym', 'listings.city'] } });
  assert.equal(p.status, 201, p.text);
  v20 = (await publish({ version: '2.0', major: true, summary: '新增合作方' })).json.id;
});
after(async () => { await L.stop(); L.cleanup(); });

test('H4: a past version is served with the content it was published with', async () => {
  const old = await L.req('GET', `/api/v1/policy/versions/${v11}`);
  assert.equal(old.status, 200, old.text);
  assert.equal(old.json.version, '1.1');
  assert.equal(old.json.current, false);
  assert.equal(old.json.content_as_published, true);
  assert.ok(!recipients(old.json.content).includes('后来的合作方'), 'the partner came after 1.1');
  assert.equal(old.json.content.operator_name, '邻里测试运营方');
  assert.ok(old.json.content.fields.length > 20);
  const cur = await L.req('GET', `/api/v1/policy/versions/${v20}`);
  assert.equal(cur.json.current, true);
  assert.ok(recipients(cur.json.content).includes('后来的合作方'));
});

test('H4: the version published before contents were kept was frozen at the first start', async () => {
  const first = await L.req('GET', '/api/v1/policy/versions/1');
  assert.equal(first.status, 200);
  assert.equal(first.json.content_as_published, true);
  assert.ok(first.json.content_frozen_at > 0);
  assert.equal((await L.req('GET', '/api/v1/policy/versions/99')).status, 404);
  assert.equal((await L.req('GET', '/api/v1/policy/versions/99')).json.error.code, 'not_found');
});

test('H4: each past version has its own page, with its own text', async () => {
  const list = await L.req('GET', '/api/v1/policy/versions');
  assert.deepEqual(list.json.items.map((i) => i.text_url), [`/privacy/versions/${v20}`, `/privacy/versions/${v11}`, '/privacy/versions/1']);
  const old = await L.req('GET', `/privacy/versions/${v11}`);
  assert.equal(old.status, 200);
  assert.match(old.text, /您正在查看历史版本 1\.1/);
  assert.match(old.text, /该版本发布时的原文/);
  assert.ok(!old.text.includes('后来的合作方'));
  const cur = await L.req('GET', '/privacy');
  assert.ok(cur.text.includes('后来的合作方'));
  assert.ok(!cur.text.includes('您正在查看历史版本'));
  assert.equal((await L.req('GET', `/privacy?version=${v11}`)).text, old.text, 'the old address shows the same page');
  assert.equal((await L.req('GET', '/privacy/versions/99')).status, 404);
});
