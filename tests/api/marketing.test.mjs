// marketing.test.mjs — invitation rewards, gifts with an address collected only at claiming, marketing consent (C4, G3, F2, F3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Linli, run } from './lib.mjs';

const L = new Linli();
let inviter, admin, code;
const DAY = 86400;

before(async () => {
  await L.start();
  inviter = await L.signIn('13500001111');
  admin = await L.signIn('13500009999');
  assert.equal(run(L.dir, 'staff', 'grant', '13500009999', 'admin').code, 0);
});
after(async () => { await L.stop(); L.cleanup(); });

test('C4: each person has one random invitation code; a new account entering it credits the inviter once', async () => {
  const info = await L.req('GET', '/api/v1/me/invite', { token: inviter.token });
  assert.equal(info.status, 200);
  code = info.json.code;
  assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/);
  assert.ok(!code.includes('1111'), 'nothing of the phone number');
  assert.equal((await L.req('GET', '/api/v1/me/invite', { token: inviter.token })).json.code, code, 'stable');
  assert.equal(info.json.points, 0);
  for (const p of ['13500002222', '13500003333']) {
    const fresh = await L.signIn(p);
    const res = await L.req('POST', '/api/v1/me/invitation', { token: fresh.token, body: { code } });
    assert.equal(res.status, 201, res.text);
    const again = await L.req('POST', '/api/v1/me/invitation', { token: fresh.token, body: { code } });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'already_invited');
  }
  const after = await L.req('GET', '/api/v1/me/invite', { token: inviter.token });
  assert.equal(after.json.invited, 2);
  assert.equal(after.json.points, 20);
  assert.equal((await L.req('POST', '/api/v1/me/invitation', { token: inviter.token, body: { code } })).status, 422, 'not one\'s own code');
  const late = await L.signIn('13500004444');
  L.sql(`UPDATE users SET created_at = created_at - 8 * ${DAY} WHERE id = ${late.user.id}`);
  const res = await L.req('POST', '/api/v1/me/invitation', { token: late.token, body: { code } });
  assert.equal(res.json.error.code, 'invite_too_late');
  assert.equal((await L.req('POST', '/api/v1/me/invitation', { token: late.token, body: { code: 'ZZZZZZZZ' } })).status, 422);
  assert.equal((await L.req('GET', '/api/v1/me/invite', { token: inviter.token })).json.points, 20, 'refusals credit nothing');
});

test('C4/F3: a delivery address is collected only when a gift is claimed — sealed, shown masked, paid in points', async () => {
  assert.equal(L.sql('SELECT count(*) FROM gift_claims'), '0', 'no address exists before a claim');
  const gifts = await L.req('GET', '/api/v1/gifts', { token: inviter.token });
  assert.equal(gifts.json.points, 20);
  const bag = gifts.json.items.find((g) => g.gift === 'tote_bag');
  const body = { gift: 'tote_bag', name: '王小明', phone: '13500001111', address: '广州市天河区体育西路8号1201' };
  for (const [field, v] of [['gift', 'yacht'], ['phone', '123'], ['address', '短'], ['name', '']]) {
    const r = await L.req('POST', '/api/v1/gifts/claims', { token: inviter.token, body: { ...body, [field]: v } });
    assert.equal(r.status, 422, field);
    assert.equal(r.json.error.field, field);
  }
  let res = await L.req('POST', '/api/v1/gifts/claims', { token: inviter.token, body });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.points, 20 - bag.points);
  res = await L.req('POST', '/api/v1/gifts/claims', { token: inviter.token, body });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'not_enough_points');
  const mine = await L.req('GET', '/api/v1/gifts/claims', { token: inviter.token });
  assert.equal(mine.json.items.length, 1);
  assert.deepEqual(mine.json.items[0].delivery, { name: '王**', phone: '135****1111', address: '广州市天河区****' });
  assert.equal(L.sql("SELECT count(*) FROM gift_claims WHERE instr(address, CAST('体育西路' AS BLOB)) > 0"), '0');
  const data = await L.req('GET', '/api/v1/me/data', { token: inviter.token });
  assert.ok(data.text.includes('体育西路8号1201'), 'the person\'s own export has the address in full');
});

test('F2: the delivery address is deleted 90 days after the claim', async () => {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 89 * DAY)).code, 0);
  assert.equal(L.sql('SELECT count(*) FROM gift_claims'), '1');
  assert.equal(run(L.dir, 'retention', 'run', '--now', String(now + 91 * DAY)).code, 0);
  assert.equal(L.sql('SELECT count(*) FROM gift_claims'), '0');
});

test('C4/G3: marketing messages reach only people whose marketing consent is on at the time of sending', async () => {
  inviter = await L.signIn('13500001111'); // the sweep above ended old sessions
  admin = await L.signIn('13500009999');
  const yes = await L.signIn('13500005555'), no = await L.signIn('13500006666');
  await L.req('PUT', '/api/v1/me/consents', { token: yes.token, body: { marketing: true } });
  await L.req('PUT', '/api/v1/me/consents', { token: no.token, body: { marketing: true } });
  await L.req('PUT', '/api/v1/me/consents', { token: no.token, body: { marketing: false } });
  assert.equal((await L.req('POST', '/api/v1/admin/campaigns', { token: yes.token, body: { title: '活动', body: '内容' } })).status, 403);
  let res = await L.req('POST', '/api/v1/admin/campaigns', { token: admin.token, body: { title: '邀请有礼', body: '邀请好友注册得积分' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.recipients, 1);
  const kinds = async (who) => (await L.req('GET', '/api/v1/me/messages', { token: who.token })).json.items.filter((m) => m.kind === 'marketing');
  assert.equal((await kinds(yes)).length, 1);
  assert.equal((await kinds(no)).length, 0, 'withdrawn consent: nothing');
  assert.equal((await kinds(inviter)).length, 0, 'never asked: nothing');
  await L.req('PUT', '/api/v1/me/consents', { token: yes.token, body: { marketing: false } });
  res = await L.req('POST', '/api/v1/admin/campaigns', { token: admin.token, body: { title: '第二期', body: '再次邀请' } });
  assert.equal(res.json.recipients, 0);
  assert.equal((await kinds(yes)).length, 1, 'withdrawing stops the next message');
});

test('G4: cancelling erases the code, the invitations on either side and the points', async () => {
  const a = await L.signIn('13500007777');
  const c = (await L.req('GET', '/api/v1/me/invite', { token: a.token })).json.code;
  const b = await L.signIn('13500008888');
  assert.equal((await L.req('POST', '/api/v1/me/invitation', { token: b.token, body: { code: c } })).status, 201);
  L.sql('UPDATE sms_codes SET created_at = created_at - 120');
  await L.req('POST', '/api/v1/auth/sms-code', { body: { phone: '13500007777', purpose: 'cancel' } });
  const cc = L.outbox().filter((m) => m.phone === '13500007777' && m.purpose === 'cancel').at(-1).code;
  assert.equal((await L.req('DELETE', '/api/v1/me', { token: a.token, body: { code: cc } })).status, 200);
  assert.equal(L.sql(`SELECT count(*) FROM invite_codes WHERE code = '${c}'`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM invitations WHERE inviter_id = ${a.user.id} OR invitee_id = ${b.user.id}`), '0');
  assert.equal(L.sql(`SELECT count(*) FROM reward_points WHERE user_id = ${a.user.id}`), '0');
});
