// breach.test.mjs — breach notices reach every affected person, in the message centre and by SMS (F8).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Linli, run } from './lib.mjs';

const L = new Linli({ sms_per_ip_hour: 1000 });
const ADMIN = '13720000001', A = '13720000002', B = '13720000003';
let admin, a, b;
const incident = (users, fields = ['users.phone', 'listings.owner_id_number']) => ({
  title: '部分账号信息可能泄露', what: '一台日志服务器被未授权访问', occurred_at: Math.floor(Date.now() / 1000) - 3600,
  fields, remedies: '已关闭该服务器并更换全部密钥', advice: '请警惕冒充客服的电话，不要透露验证码', users,
});
const post = (token, body) => L.req('POST', '/api/v1/admin/incidents', { token, body });
const messages = async (u) => (await L.req('GET', '/api/v1/me/messages', { token: u.token })).json.items;
const breachSms = (phone) => L.outbox().filter((m) => m.phone === phone && m.purpose === 'breach');

before(async () => {
  await L.start();
  admin = await L.signIn(ADMIN);
  a = await L.signIn(A);
  b = await L.signIn(B);
  assert.equal(run(L.dir, 'staff', 'grant', ADMIN, 'admin').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); });

test('F8: an incident for one person reaches only that person, by message and SMS', async () => {
  const res = await post(admin.token, incident([a.user.id]));
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.recipients, 1);
  assert.equal(res.json.sms_pending, 1);
  assert.equal(breachSms(A).length, 0, 'the request only records; the sweep sends');
  const sweep = run(L.dir, 'retention', 'run', '--config', L.confFile);
  assert.equal(sweep.code, 0, sweep.out);
  assert.match(sweep.out, /breach notices sent by SMS: 1;/);
  const mine = await messages(a);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].kind, 'breach');
  assert.equal(mine[0].read_at, null);
  for (const part of ['一台日志服务器被未授权访问', '手机号码', '房屋权利人身份证号', '已关闭该服务器', '请警惕冒充客服', '北京时间'])
    assert.ok(mine[0].body.includes(part), part);
  assert.equal((await messages(b)).length, 0);
  assert.equal(breachSms(A).length, 1);
  assert.equal(breachSms(B).length, 0);
  const text = breachSms(A)[0].text;
  assert.ok(text.startsWith('【邻里】') && !text.includes(A) && !text.includes('日志服务器'), 'the SMS carries no personal data and no details');
  assert.equal(L.sql(`SELECT count(*) FROM incident_users WHERE user_id = ${a.user.id} AND notified_at IS NOT NULL`), '1');
  assert.equal(L.sql("SELECT count(*) FROM audit_log WHERE event = 'incident.recorded'"), '1');
  const read = await L.req('POST', `/api/v1/me/messages/${mine[0].id}/read`, { token: a.token });
  assert.equal(read.status, 200);
  assert.ok((await messages(a))[0].read_at);
  assert.equal((await L.req('POST', `/api/v1/me/messages/${mine[0].id}/read`, { token: b.token })).status, 404, 'not someone else\'s');
});

test('F8: "all" reaches every account, newest message first', async () => {
  const res = await post(admin.token, { ...incident('all'), title: '第二次事件' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.recipients, 3);
  assert.equal(run(L.dir, 'retention', 'run', '--config', L.confFile).code, 0);
  for (const [u, phone] of [[a, A], [b, B], [admin, ADMIN]]) {
    const items = await messages(u);
    assert.equal(items[0].title, '第二次事件');
    assert.ok(breachSms(phone).length >= 1, phone);
  }
  assert.equal((await messages(a)).length, 2);
});

test('F8: an incident must name declared fields and accounts; only admins record one', async () => {
  const bad = await post(admin.token, incident([a.user.id], ['users.phone', 'users.shoe_size']));
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'fields');
  assert.equal((await post(admin.token, incident([a.user.id], []))).status, 422);
  assert.equal((await post(admin.token, incident([999999]))).status, 422);
  assert.equal((await post(admin.token, incident('some'))).status, 422);
  const { users, ...noUsers } = incident('all');
  assert.equal((await post(admin.token, noUsers)).status, 400);
  const denied = await post(a.token, incident('all'));
  assert.equal(denied.status, 403);
  assert.equal(L.sql('SELECT count(*) FROM incidents'), '2', 'nothing recorded by a refusal');
});

test('F8: a notice SMS to a phone that cannot be opened is recorded as failed at once and never tried again', async () => {
  const c = await L.signIn('13720000004');
  const saved = L.sql(`SELECT hex(phone) FROM users WHERE id = ${c.user.id}`);
  L.sql(`UPDATE users SET phone = x'00' WHERE id = ${c.user.id}`);
  try {
    const res = await post(admin.token, { ...incident([c.user.id]), title: '第三次事件' });
    assert.equal(res.status, 201, res.text);
    const row = () => L.sql(`SELECT attempts || ':' || (failed_at IS NOT NULL) || ':' || coalesce(fail_reason, '') || ':' ||
      (notified_at IS NOT NULL) FROM incident_users WHERE incident_id = ${res.json.id}`);
    for (let i = 0; i < 3; i++) assert.equal(run(L.dir, 'retention', 'run', '--config', L.confFile).code, 0);
    assert.equal(row(), '1:1:no_phone:0', 'one try, then recorded as failed');
    assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'incident.notice_failed' AND subject = ${c.user.id}`), '1');
    assert.equal((await messages(c)).filter((m) => m.title === '第三次事件').length, 1, 'the message centre still has it');
  } finally {
    L.sql(`UPDATE users SET phone = x'${saved}' WHERE id = ${c.user.id}`);
  }
});

test('F8: a notice SMS the gateway keeps refusing is tried a bounded number of times, then recorded as failed', async () => {
  const res = await post(admin.token, { ...incident([b.user.id]), title: '第四次事件' });
  assert.equal(res.status, 201, res.text);
  const down = `${L.dir}/down.conf`;
  writeFileSync(down, 'sms_gateway = http\nsms_http_url = http://127.0.0.1:9/sms\nsms_http_token = t\n');
  const row = () => L.sql(`SELECT attempts || ':' || coalesce(fail_reason, '-') FROM incident_users WHERE incident_id = ${res.json.id}`);
  for (let i = 1; i <= 7; i++) {
    const sweep = run(L.dir, 'retention', 'run', '--config', down);
    assert.equal(sweep.code, 0, sweep.out);
    assert.equal(row(), i < 5 ? `${i}:-` : '5:refused', `after sweep ${i}`);
  }
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'incident.notice_failed' AND subject = ${b.user.id}`), '1');
  assert.equal(run(L.dir, 'retention', 'run', '--config', L.confFile).code, 0);
  assert.equal(breachSms(B).filter(Boolean).length, 1, 'the working gateway does not send a given-up notice either');
});
