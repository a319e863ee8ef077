// verification.test.mjs — real-name verification through the API (C1, H1, G3, G5, E1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linli } from './lib.mjs';
import { idNumber, bankCard, beijingYear } from './idnum.mjs';

const L = new Linli();
const Y = beijingYear();
const ADULT_ID = idNumber('440106', '19900307');
const CARD = bankCard('622202020011223');

async function consent(token, on = true) {
  const res = await L.req('PUT', '/api/v1/me/consents', { token, body: { sensitive_identity: on } });
  assert.equal(res.status, 200, res.text);
}
const verify = (token, body) => L.req('POST', '/api/v1/me/verification', { token, body });

before(async () => { await L.start(); });
after(async () => { await L.stop(); L.cleanup(); });

test('C1: nothing is taken without the separate consent for sensitive data', async () => {
  const a = await L.signIn('13711110001');
  const res = await verify(a.token, { name: '张三', id_number: ADULT_ID });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'sensitive_consent_required');
  assert.equal(L.sql('SELECT count(*) FROM verifications'), '0');
});

test('C1: invalid ID and card numbers are refused with the field at fault and a clear message', async () => {
  const a = await L.signIn('13711110002');
  await consent(a.token);
  const wrongCheck = ADULT_ID.slice(0, 17) + (ADULT_ID[17] === '0' ? '1' : '0');
  const cases = [
    [{ name: '张三', id_number: '44010619900307' }, 'id_number_format', 'id_number'],
    [{ name: '张三', id_number: wrongCheck }, 'id_number_check', 'id_number'],
    [{ name: '张三', id_number: idNumber('990106', '19900307') }, 'id_number_region', 'id_number'],
    [{ name: '张三', id_number: idNumber('440106', '19900230') }, 'id_number_birth', 'id_number'],
    [{ name: '张三', id_number: idNumber('440106', `${Y + 1}0101`) }, 'id_number_birth', 'id_number'],
    [{ name: '张三', id_number: ADULT_ID, bank_card: CARD.slice(0, -1) + ((Number(CARD.at(-1)) + 1) % 10) }, 'bank_card_check', 'bank_card'],
    [{ name: '张三', id_number: ADULT_ID, bank_card: '1234' }, 'bank_card_format', 'bank_card'],
    [{ name: '3', id_number: ADULT_ID }, 'invalid_field', 'name'],
  ];
  for (const [body, code, field] of cases) {
    const res = await verify(a.token, body);
    assert.equal(res.status, 422, `${code}: ${res.text}`);
    assert.equal(res.json.error.code, code);
    assert.equal(res.json.error.field, field);
    assert.match(res.json.error.message, /[\u4e00-\u9fa5]/, 'a Chinese message');
  }
  assert.equal(L.sql('SELECT count(*) FROM verifications'), '0');
});

test('C1: a valid identity is sealed, shown only masked afterwards, and the public sees a badge only', async () => {
  const a = await L.signIn('13711110003');
  await consent(a.token);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).json.verified, false);
  const res = await verify(a.token, { name: '张三丰', id_number: ADULT_ID, bank_card: CARD });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.verified, true);
  assert.equal(res.json.id_number, `4401**********${ADULT_ID.slice(-4)}`);
  assert.equal(res.json.name, '张**');
  assert.equal(res.json.bank_card, `**** ${CARD.slice(-4)}`);
  assert.ok(!res.text.includes(ADULT_ID) && !res.text.includes(CARD));
  const again = await L.req('GET', '/api/v1/me/verification', { token: a.token });
  assert.deepEqual(again.json, res.json);
  assert.equal((await verify(a.token, { name: '张三丰', id_number: ADULT_ID })).json.error.code, 'already_verified');
  // sealed: neither the number nor the card appears in the row's bytes
  const hex = L.sql(`SELECT hex(name) || hex(id_number) || hex(bank_card) FROM verifications WHERE user_id = ${a.user.id}`);
  for (const v of [ADULT_ID, CARD, '张三丰']) assert.ok(!hex.includes(Buffer.from(v).toString('hex').toUpperCase()), v);
  // G5: the person's own export shows the masked form too
  const data = await L.req('GET', '/api/v1/me/data', { token: a.token });
  assert.ok(!data.text.includes(ADULT_ID) && !data.text.includes(CARD));
  const field = data.json.categories.flatMap((c) => c.fields).find((f) => f.field === 'verifications.id_number');
  assert.deepEqual(field.values, [`4401**********${ADULT_ID.slice(-4)}`]);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).json.verified, true);
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE event = 'verification.passed' AND actor = ${a.user.id}`), '1');
  assert.equal(L.sql(`SELECT count(*) FROM audit_log WHERE detail LIKE '%${ADULT_ID.slice(6, 14)}%'`), '0');
});

test('C1/G3: withdrawing the sensitive-data consent deletes the verification and its badge', async () => {
  const a = await L.signIn('13711110004');
  await consent(a.token);
  assert.equal((await verify(a.token, { name: '李四', id_number: idNumber('110105', '19850101') })).status, 200);
  await consent(a.token, false);
  assert.equal(L.sql(`SELECT count(*) FROM verifications WHERE user_id = ${a.user.id}`), '0');
  assert.equal(L.sql(`SELECT birth_date IS NULL FROM users WHERE id = ${a.user.id}`), '1');
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).json.verified, false);
});

test('C1/B12: a signed-out listing detail shows the verified badge right after verification, and not after withdrawal', async () => {
  const a = await L.signIn('13711110010');
  const reader = await L.signIn('13711110011');
  const posted = await L.req('POST', '/api/v1/listings', { token: a.token, body: { category: 'goods', title: '实名徽章测试', city: 4401, contact_phone: '13711110010', fields: { condition: '九成新' } } });
  assert.equal(posted.status, 201, posted.text);
  const views = async () => {
    const anon = await L.req('GET', `/api/v1/listings/${posted.json.id}`);
    const signed = await L.req('GET', `/api/v1/listings/${posted.json.id}`, { token: reader.token });
    assert.equal(anon.status, 200, anon.text);
    assert.deepEqual(anon.json, signed.json, 'the stored card and the view built from the row agree');
    return anon.json.poster;
  };
  assert.deepEqual(await views(), { verified: false, organization: null });
  await consent(a.token);
  assert.equal((await verify(a.token, { name: '王五', id_number: idNumber('440106', '19880512') })).status, 200);
  assert.deepEqual(await views(), { verified: true, organization: null });
  await consent(a.token, false);
  assert.deepEqual(await views(), { verified: false, organization: null });
});

test('H1: the ID\'s age overrides a declared birth year: a 16-year-old cannot use dating', async () => {
  const a = await L.signIn('13711110005');
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: a.token, body: { birth_year: 1980 } })).status, 200);
  await consent(a.token);
  const res = await verify(a.token, { name: '王小明', id_number: idNumber('440106', `${Y - 16}0101`) });
  assert.equal(res.status, 200, res.text);
  const me = await L.req('GET', '/api/v1/me', { token: a.token });
  assert.equal(me.json.birth_year, Y - 16);
  const dating = await L.req('POST', '/api/v1/listings', { token: a.token, body: { category: 'dating', title: '周末爬山', city: 4401, contact_phone: '13711110005', fields: { gender: '男', age: 30 } } });
  assert.equal(dating.status, 403);
  assert.equal(dating.json.error.code, 'adults_only');
  const change = await L.req('PATCH', '/api/v1/me', { token: a.token, body: { birth_year: 1980 } });
  assert.equal(change.status, 409, 'a declared year cannot override the ID');
});

test('H1: a verified 14th birthday counts exactly (no year-only rounding)', async () => {
  const a = await L.signIn('13711110006');
  await consent(a.token);
  const res = await verify(a.token, { name: '赵小红', id_number: idNumber('440106', `${Y - 14}0101`) });
  assert.equal(res.status, 200, res.text);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).json.guardian.required, false);
});

test('H1: an ID under 14 holds the account and is not kept without a guardian', async () => {
  const a = await L.signIn('13711110007');
  await consent(a.token);
  const res = await verify(a.token, { name: '钱小小', id_number: idNumber('440106', `${Y - 12}0601`) });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'guardian_consent_required');
  assert.equal(L.sql(`SELECT count(*) FROM verifications WHERE user_id = ${a.user.id}`), '0');
  assert.equal(L.sql(`SELECT held_since IS NOT NULL FROM users WHERE id = ${a.user.id}`), '1');
  const post = await L.req('POST', '/api/v1/listings', { token: a.token, body: { category: 'goods', title: '旧书', city: 4401, contact_phone: '13711110007', fields: { condition: '九成新' } } });
  assert.equal(post.status, 403);
  assert.equal(post.json.error.code, 'guardian_consent_required');
});

test('H1: an adult held by a mistyped birth year is released by an ID', async () => {
  const a = await L.signIn('13711110008');
  assert.equal((await L.req('PATCH', '/api/v1/me', { token: a.token, body: { birth_year: Y - 10 } })).status, 200);
  assert.equal((await L.req('GET', '/api/v1/me', { token: a.token })).json.guardian.required, true);
  assert.equal((await L.req('PUT', '/api/v1/me/consents', { token: a.token, body: { marketing: true } })).status, 403, 'held: no other grant');
  await consent(a.token); // the one consent a held account may give: the ID check that can release it
  const res = await verify(a.token, { name: '孙大人', id_number: idNumber('440106', '19800808') });
  assert.equal(res.status, 200, res.text);
  const me = await L.req('GET', '/api/v1/me', { token: a.token });
  assert.equal(me.json.guardian.required, false);
  assert.equal(L.sql(`SELECT held_since IS NULL FROM users WHERE id = ${a.user.id}`), '1');
});

test('C1: the face check is part of the interface and reports unavailable without a provider', async () => {
  const a = await L.signIn('13711110009');
  const b = '----f';
  const raw = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="f.jpg"\r\n\r\nxx\r\n--${b}--\r\n`);
  const res = await L.req('POST', '/api/v1/me/verification/face', { token: a.token, raw, headers: { 'content-type': `multipart/form-data; boundary=${b}` } });
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, 'face_check_unavailable');
});

test('C1: with a known-identities list, only listed name and number pairs pass', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-known-'));
  const file = join(dir, 'known.tsv');
  writeFileSync(file, `# name\tid\n周五\t${ADULT_ID}\n`);
  const K = new Linli({ verify_known_file: file });
  await K.start();
  try {
    const a = await K.signIn('13711110010');
    await K.req('PUT', '/api/v1/me/consents', { token: a.token, body: { sensitive_identity: true } });
    const wrong = await K.req('POST', '/api/v1/me/verification', { token: a.token, body: { name: '周六', id_number: ADULT_ID } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.error.code, 'identity_mismatch');
    assert.equal(K.sql('SELECT count(*) FROM verifications'), '0');
    const right = await K.req('POST', '/api/v1/me/verification', { token: a.token, body: { name: '周五', id_number: ADULT_ID.toLowerCase() } });
    assert.equal(right.status, 200, right.text);
    assert.equal(right.json.method, 'local_list');
  } finally { await K.stop(); K.cleanup(); }
});

test('C1/E1/E7: through a provider, the identity is sent with the account\'s phone, the share recorded and published', async () => {
  const { createServer } = await import('node:http');
  const seen = [];
  const provider = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const j = JSON.parse(body);
      seen.push({ auth: req.headers.authorization, ...j });
      if (j.name === '宕机') { res.writeHead(500); res.end('down'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ match: j.name === '吴真' && j.id_number === ADULT_ID }));
    });
  });
  await new Promise((r) => provider.listen(0, '127.0.0.1', r));
  const P = new Linli({ verifier: 'http', verify_http_url: `http://127.0.0.1:${provider.address().port}/verify`, verify_http_token: 'tok-123' });
  await P.start();
  try {
    const a = await P.signIn('13711110011');
    await P.req('PUT', '/api/v1/me/consents', { token: a.token, body: { sensitive_identity: true } });
    const post = (name) => P.req('POST', '/api/v1/me/verification', { token: a.token, body: { name, id_number: ADULT_ID } });
    const down = await post('宕机');
    assert.equal(down.status, 503);
    assert.equal(down.json.error.code, 'verifier_unavailable');
    const wrong = await post('吴假');
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.error.code, 'identity_mismatch');
    assert.equal(P.sql('SELECT count(*) FROM verifications'), '0');
    const ok = await post('吴真');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.method, 'provider');
    assert.equal(seen.length, 3);
    assert.deepEqual([seen[2].auth, seen[2].phone, seen[2].id_number], ['Bearer tok-123', '13711110011', ADULT_ID]);
    const shares = await P.req('GET', '/api/v1/me/shares', { token: a.token });
    const s = shares.json.items.filter((i) => i.recipient === '实名认证服务商（127.0.0.1）');
    assert.equal(s.length, 3, 'each sending is recorded, whatever the answer');
    assert.ok(s[0].fields.some((f) => f.id === 'verifications.id_number'));
    const published = await P.req('GET', '/api/v1/privacy/sharing');
    assert.ok(published.json.recipients.some((r) => r.name === '实名认证服务商（127.0.0.1）'), 'E7: listed');
    const b = '----f';
    const raw = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="f.jpg"\r\n\r\nxx\r\n--${b}--\r\n`);
    const face = await P.req('POST', '/api/v1/me/verification/face', { token: a.token, raw, headers: { 'content-type': `multipart/form-data; boundary=${b}` } });
    assert.equal(face.json.error.code, 'face_check_unavailable', 'a provider without a face check: still unavailable');
    assert.equal(seen.length, 3, 'nothing sent for it');
  } finally { await P.stop(); P.cleanup(); provider.close(); }
});
