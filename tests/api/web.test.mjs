// web.test.mjs — the generated privacy policy pages and lists (E7, H3, H4, F1, F2) and the pages' foundation:
// HTML with a strict CSP, every declared PI field published, nothing shared, versions readable, templates
// parsed once at start (a broken one stops the start).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linli, BIN, freePort } from './lib.mjs';

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const NOTHING_SHARED = '目前我们不向任何第三方共享您的个人信息';

const L = new Linli();
let page; // GET /privacy, fetched once

// The declared PI fields, read from the one source of truth.
function declaredFields() {
  const text = readFileSync(new URL('../../src/privacy/pi_decl.h', import.meta.url), 'utf8');
  const lines = text.split('\n').filter((l) => l.startsWith('PI('));
  const ids = [...text.matchAll(/^PI\(\w+, "(\w+)", "(\w+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
  assert.equal(ids.length, lines.length, 'every PI( line parses');
  return ids;
}

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// The <tr> whose id is anchor, as HTML text.
function row(html, anchor) {
  const start = html.indexOf(`<tr id="${anchor}"`);
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</tr>', start));
}

before(async () => {
  await L.start();
  page = await L.req('GET', '/privacy');
});
after(async () => { await L.stop(); L.cleanup(); });

test('/privacy is an HTML page with the strict Content-Security-Policy and the security headers', () => {
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), CSP);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
});

test('the page is Chinese, fits phones and has landmarks', () => {
  const h = page.text;
  assert.match(h, /^<!doctype html>\n<html lang="zh-CN">/);
  assert.match(h, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  for (const tag of ['header', 'nav', 'main', 'footer']) assert.match(h, new RegExp(`<${tag}[ >]`), tag);
  assert.match(h, /<main id="main"/);
  for (const link of ['/privacy', '/privacy/versions', '/privacy#inventory', '/privacy#sharing'])
    assert.ok(h.includes(`href="${link}"`), link);
  for (const text of ['首页', '隐私政策', '历史版本', '已收集个人信息清单', '第三方共享个人信息清单'])
    assert.ok(h.includes(text), text);
});

test('E7: the inventory JSON lists every PI( declaration of pi_decl.h, in order', async () => {
  const declared = declaredFields();
  const r = await L.req('GET', '/api/v1/privacy/inventory');
  assert.equal(r.status, 200);
  assert.equal(r.json.count, declared.length);
  assert.deepEqual(r.json.items.map((f) => f.id), declared);
  for (const f of r.json.items) {
    for (const k of ['label', 'category', 'basis', 'retention', 'scenario']) assert.ok(f[k], `${f.id}.${k}`);
    assert.ok(f.purposes.length > 0, f.id);
    assert.equal(typeof f.encrypted, 'boolean');
    assert.equal(typeof f.sensitive, 'boolean');
    assert.equal(f.shared, false, f.id);
  }
  const phone = r.json.items.find((f) => f.id === 'users.phone');
  assert.equal(phone.label, '手机号码');
  assert.equal(phone.encrypted, true);
  assert.equal(phone.url, '/privacy#pi-users-phone');
  const owner = r.json.items.find((f) => f.id === 'listings.owner_id_number');
  assert.equal(owner.sensitive, true);
});

test('E7: every declared field has its row in the published policy, with label, anchor and every column', async () => {
  const { json } = await L.req('GET', '/api/v1/privacy/inventory');
  const missing = [];
  for (const f of json.items) {
    const tr = row(page.text, f.anchor);
    if (!tr) { missing.push(`${f.id}: no row #${f.anchor}`); continue; }
    if (!page.text.includes(`href="#${f.anchor}"`)) missing.push(`${f.id}: not in the "what we collect" section`);
    for (const v of [f.label, f.category, f.scenario, f.basis, f.retention, ...f.purposes])
      if (!tr.includes(esc(v))) missing.push(`${f.id}: row lacks "${v}"`);
    if (!tr.includes(f.encrypted ? `是（${f.protection}）` : '否')) missing.push(`${f.id}: 是否加密`);
    if (f.sensitive && !tr.includes('是（个人敏感信息）')) missing.push(`${f.id}: 是否敏感`);
  }
  assert.deepEqual(missing, []);
  assert.ok(page.text.includes(`共 ${json.count} 项`));
});

test('E7: nothing is shared, and both the page and the JSON list say so', async () => {
  const r = await L.req('GET', '/api/v1/privacy/sharing');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.recipients, []);
  assert.deepEqual(r.json.sdks, []);
  assert.match(r.json.statement, new RegExp(NOTHING_SHARED));
  const sharing = page.text.slice(page.text.indexOf('<section id="sharing"'));
  assert.ok(sharing.slice(0, sharing.indexOf('</section>')).includes(NOTHING_SHARED));
});

test('E7: an SMS provider configured as the gateway appears in the sharing list with the phone number', async () => {
  const S = new Linli({ sms_gateway: 'http', sms_http_url: 'https://user:secret@sms.example.cn:8443/v1/send' });
  await S.start();
  try {
    const r = await S.req('GET', '/api/v1/privacy/sharing');
    assert.equal(r.json.recipients.length, 1);
    assert.equal(r.json.recipients[0].name, '短信服务商（sms.example.cn）');
    assert.deepEqual(r.json.recipients[0].fields.map((f) => f.id), ['users.phone']);
    const p = await S.req('GET', '/privacy');
    assert.ok(!p.text.includes(NOTHING_SHARED));
    assert.ok(p.text.includes('短信服务商（sms.example.cn）'));
    assert.ok(!p.text.includes('secret'));
  } finally { await S.stop(); S.cleanup(); }
});

test('F2, F1: the retention section lists the time-limited fields and browsing records are kept at most a month', async () => {
  const h = page.text;
  const section = h.slice(h.indexOf('<section id="retention"'), h.indexOf('<section id="security"'));
  assert.ok(section.includes('浏览记录（浏览足迹、搜索关键词）和IP地址最多保存1个月'));
  assert.ok(section.includes('存储在中华人民共和国境内'));
  for (const id of ['pi-browse_history-listing_id', 'pi-search_history-query', 'pi-sessions-ip'])
    assert.ok(section.includes(`href="#${id}"`), id);
});

test('the rights are listed with their promise ids', () => {
  for (const [right, id] of [['查阅', 'G1'], ['更正', 'G1'], ['删除', 'G2'], ['撤回同意', 'G3'], ['注销账号', 'G4'],
    ['获取副本', 'G5']])
    assert.match(page.text, new RegExp(`<li data-promise="${id}"><strong>${right}</strong>`), right);
  assert.ok(page.text.includes('个性化推荐'), 'each optional purpose is named under 撤回同意');
});

test('H4: the current version is named at the top and /privacy/versions lists version 1', async () => {
  assert.ok(page.text.includes('<dd>1.0（当前版本）</dd>'));
  assert.ok(page.text.includes('<time datetime="2026-11-01">2026年11月1日</time>'));
  const v = await L.req('GET', '/privacy/versions');
  assert.equal(v.status, 200);
  assert.equal(v.headers.get('content-security-policy'), CSP);
  assert.match(v.text, /<li id="v1" data-version-id="1">/);
  assert.ok(v.text.includes('href="/privacy/versions/1"'));
  assert.ok(v.text.includes('版本 1.0'));
  assert.ok(v.text.includes('重大更新'));
  assert.ok(v.text.includes('邻里个人信息保护政策首次发布'));
  const one = await L.req('GET', '/privacy?version=1');
  assert.equal(one.status, 200);
  assert.ok(!one.text.includes('您正在查看历史版本'));
});

test('H4: an unknown or malformed version is a 404 page', async () => {
  for (const q of ['999', '0', 'abc', '01', '1x', '', '9999999999']) {
    const r = await L.req('GET', `/privacy?version=${q}`);
    assert.equal(r.status, 404, q);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.headers.get('content-security-policy'), CSP);
    assert.ok(r.text.includes('页面不存在'));
  }
});

test('no page carries a script, and data from the database is escaped', () => {
  assert.ok(!/<script/i.test(page.text));
  assert.ok(!/\sstyle=|\son[a-z]+=/i.test(page.text), 'no inline style or event handler (the CSP would block it)');
});

test('the stylesheet is served from /static with its type, cached for a year only under the current version', async () => {
  const href = page.text.match(/<link rel="stylesheet" href="(\/static\/site\.css\?v=([0-9a-f]{8}))">/);
  assert.ok(href, 'the layout links the stylesheet with a version');
  const css = await L.req('GET', href[1]);
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(css.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(css.text, readFileSync(new URL('../../static/site.css', import.meta.url), 'utf8'));
  assert.equal((await L.req('GET', '/static/site.css?v=00000000')).headers.get('cache-control'), 'no-cache');
  assert.equal((await L.req('GET', '/static/nothing.css')).status, 404);
  assert.equal((await L.req('GET', '/static/..%2Fsrc%2Fmain.c')).status, 404);
  assert.equal((await L.req('GET', '/static/.hidden')).status, 404);
});

test('H3, H4: a newer version becomes current; the old one stays readable with the text it was published with', async () => {
  L.sql("INSERT INTO policy_versions(id, version, major, published_at, summary) VALUES " +
    "(2, '1.1', 0, 1796083200, '<script>alert(1)</script> 补充 & 说明')");
  const cur = await L.req('GET', '/privacy');
  assert.ok(cur.text.includes('<dd>1.1（当前版本）</dd>'));
  assert.ok(cur.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; 补充 &amp; 说明'));
  assert.ok(!/<script/i.test(cur.text));
  const old = await L.req('GET', '/privacy?version=1');
  assert.equal(old.status, 200);
  assert.ok(old.text.includes('您正在查看历史版本 1.0'));
  assert.ok(old.text.includes('下面是该版本发布时的原文'), 'frozen when this server first started (H4)');
  assert.ok(old.text.includes('当前版本是 1.1'));
  const list = await L.req('GET', '/privacy/versions');
  assert.ok(list.text.indexOf('id="v2"') < list.text.indexOf('id="v1"'), 'newest first');
  assert.ok(list.text.includes('一般更新'));
  assert.ok(!/<script/i.test(list.text));
});

// linli serve with a templates folder of our own; returns {code, out} once it exits (or is stopped after 10 s).
async function serveWith(files) {
  const dir = mkdtempSync(join(tmpdir(), 'linli-web-'));
  const tpl = join(dir, 'templates');
  mkdirSync(tpl);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tpl, name), text);
  writeFileSync(join(dir, 'linli.conf'), `templates_dir = ${tpl}\n`);
  const r = spawnSync(BIN, ['serve', '--data', join(dir, 'data'), '--listen', `127.0.0.1:${await freePort()}`,
    '--config', join(dir, 'linli.conf')], { encoding: 'utf8', timeout: 10000 });
  rmSync(dir, { recursive: true, force: true });
  return { code: r.status, out: (r.stdout || '') + (r.stderr || '') };
}

test('a template that does not parse stops the start with its file and line', async () => {
  const r = await serveWith({ 'privacy.html': 'ok\n{{#open}}\nnever closed\n' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /templates\/privacy\.html: line 2: section 'open' is never closed/);
});

test('a template that includes a missing partial, or a missing page, stops the start', async () => {
  let r = await serveWith({ 'privacy.html': '{{> layout_nope}}\n' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /privacy\.html: partial 'layout_nope' is not a template in that folder/);
  r = await serveWith({ 'privacy.html': 'x', 'privacy_versions.html': 'y' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /not_found\.html: missing/);
});
