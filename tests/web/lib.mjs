// lib.mjs — the set-up every browser test shares (not a test itself: node --test only runs *.test.mjs): Debian's
// chromium launched through playwright-core, contexts at 375×812 in zh-CN with JavaScript off unless asked for,
// every page's Content-Security-Policy console messages collected (a test asserts the list stays empty), axe-core
// run on a JavaScript-enabled twin of a context (no serious or critical violations), and screenshots into
// tests/web/artifacts/ (git-ignored), named with the file's prefix.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ART = new URL('./artifacts/', import.meta.url).pathname;
export const PHOTO = new URL('../data/photos/gps.jpg', import.meta.url).pathname;
export const VIEWPORT = { width: 375, height: 812 };

const CSP = /Content.Security.Policy/i;

// The shared helpers for one test file against the server L. prefix starts every screenshot's name; context holds
// options every new context gets (e.g. acceptDownloads).
export function web(L, { prefix = '', context = {} } = {}) {
  const cspErrors = [];
  let browser;

  // Collects the page's CSP console messages into cspErrors.
  const watch = (p) => p.on('console', (m) => { if (CSP.test(m.text())) cspErrors.push(m.text()); });

  // Launches chromium (each launch gets a fresh --user-data-dir from playwright) and makes the artifacts folder.
  async function launch() {
    mkdirSync(ART, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    return browser;
  }

  // Closes the browser, stops the server and removes its data folder.
  async function stop() {
    await browser?.close();
    await L.stop();
    L.cleanup();
  }

  // A new context, JavaScript off unless js (true, or an options object that may switch it on); its pages are watched.
  async function newContext(js = false) {
    const opts = typeof js === 'object' ? js : { javaScriptEnabled: js };
    const c = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false, locale: 'zh-CN', ...context, ...opts });
    c.on('page', watch);
    return c;
  }

  // axe-core on a page as the context's person sees it (a JavaScript-enabled twin sharing the cookies; none when
  // context is null). CDP evaluation is not subject to the page's CSP.
  async function axe(context, path) {
    const twin = await newContext(true);
    if (context) await twin.addCookies(await context.cookies());
    const p = await twin.newPage();
    try {
      const res = await p.goto(L.base + path);
      assert.ok(res.status() < 500, path);
      await p.evaluate(AXE);
      const out = await p.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      const bad = out.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' | ')})`), [], path);
    } finally { await twin.close(); }
  }

  const shot = (p, name) => p.screenshot({ path: `${ART}${prefix}${name}.png`, fullPage: true });

  // Signs in through the login page with a code from the outbox, ticking the policy box.
  async function signInPage(p, phone) {
    await p.goto(L.base + '/login');
    await p.fill('#phone', phone);
    await p.click('button[formaction="/login/code"]');
    await p.fill('#code', L.lastCode(phone));
    await p.check('#accept');
    await p.click('button.primary');
    await p.waitForURL(L.base + '/');
  }

  return { cspErrors, watch, launch, stop, newContext, axe, shot, signInPage };
}
