// lib.mjs — starts a real `linli serve` on a temporary data folder and talks to it over HTTP.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.LINLI_BIN || new URL('../../build/linli', import.meta.url).pathname;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export function run(dir, ...args) {
  // a linli command on the same data folder; returns {code, out}
  try {
    const out = execFileSync(BIN, ['--data', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (e) {
    return { code: e.status, out: (e.stdout || '') + (e.stderr || '') };
  }
}

export class Linli {
  constructor(conf = {}) { this.conf = conf; }

  async start() {
    this.dir ??= mkdtempSync(join(tmpdir(), 'linli-api-')); // a restart keeps its data folder
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const lines = Object.entries(this.conf).map(([k, v]) => `${k} = ${v}`);
    this.confFile = join(this.dir, 'linli.conf');
    writeFileSync(this.confFile, lines.join('\n') + '\n');
    this.stderr = '';
    this.proc = spawn(BIN, ['serve', '--data', this.dir, '--listen', `127.0.0.1:${this.port}`,
      '--config', this.confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    for (let i = 0; i < 300; i++) {
      try { if ((await fetch(this.base + '/healthz')).ok) return this; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('linli did not start: ' + this.stderr);
  }

  async stop() {
    if (!this.proc) return;
    this.proc.kill('SIGTERM');
    const { code, sig } = await this.exited;
    this.proc = null;
    if (code !== 0) throw new Error(`linli exited ${code} ${sig}: ${this.stderr}`);
  }

  // `linli audit` must be clean on every data folder a test file used, before it goes (issue 4: self-audit)
  cleanup() {
    if (!this.dir) return;
    const a = existsSync(join(this.dir, 'linli.db')) ? run(this.dir, 'audit') : { code: 0 };
    rmSync(this.dir, { recursive: true, force: true });
    if (a.code !== 0) throw new Error(`linli audit is not clean on the data folder this test used:\n${a.out}`);
  }

  async req(method, path, { body, token, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text, headers: res.headers };
  }

  outbox() {
    const f = join(this.dir, 'sms-outbox.jsonl');
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  lastCode(phone) {
    const msgs = this.outbox().filter((m) => m.phone === phone);
    return msgs.length ? msgs[msgs.length - 1].code : null;
  }

  // sign up / sign in with a code from the outbox; returns {token, user, cookie}
  async signIn(phone, { accept = 1 } = {}) {
    const sent = await this.req('POST', '/api/v1/auth/sms-code', { body: { phone } });
    if (sent.status !== 202) throw new Error('sms-code ' + sent.status + ' ' + sent.text);
    const res = await this.req('POST', '/api/v1/auth/login',
      { body: { phone, code: this.lastCode(phone), accept_policy_version: accept } });
    if (res.status !== 200) throw new Error('login ' + res.status + ' ' + res.text);
    return { token: res.json.token, user: res.json.user, cookie: res.headers.get('set-cookie') };
  }

  sql(query) {
    return execFileSync('sqlite3', [join(this.dir, 'linli.db'), query], { encoding: 'utf8' }).trim();
  }

  // "table.column holds v" for each stored number or text within tol of one of values, in every table (virtual
  // tables through their shadow tables). One sqlite3 run, the SQL on stdin: a run per column took longer than the
  // server keeps an idle connection open, and the next request then met a closed socket.
  columnsHolding(values, tol) {
    const cols = this.sql("SELECT m.name || '|' || p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
      + "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL%'").split('\n');
    const probes = cols.map((l) => l.split('|')).flatMap(([t, c]) => values.map((v) =>
      `SELECT '${t}.${c} holds ${v}' WHERE EXISTS (SELECT 1 FROM "${t}" WHERE typeof("${c}") IN ('real','text') `
      + `AND abs(CAST("${c}" AS REAL) - ${Number(v)}) < ${Number(tol)})`));
    const out = execFileSync('sqlite3', [join(this.dir, 'linli.db')], { input: probes.join(';\n') + ';', encoding: 'utf8' }).trim();
    return out ? out.split('\n') : [];
  }
}

// Distinct phone numbers per test file, so files running in parallel never share one.
let seq = 0;
export function phone(prefix) { seq++; return `${prefix}${String(seq).padStart(8 - String(prefix).length + 3, '0')}`.slice(0, 11); }

// A voice note in AMR-NB 12.2 kbps: "#!AMR\n" and 32-byte frames of 20 ms each (silence-sized zeros).
export function amrNote(frames) {
  const b = Buffer.alloc(6 + frames * 32);
  b.write('#!AMR\n', 0, 'latin1');
  for (let i = 0; i < frames; i++) b[6 + i * 32] = (7 << 3) | 0x04;
  return b;
}

// A multipart/form-data upload of one file part, as options for Linli.req: {raw, headers}.
export function multipartUpload(name, bytes, filename = 'file', type = 'application/octet-stream') {
  const b = '----linli' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { raw: Buffer.concat([head, bytes, Buffer.from(`\r\n--${b}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}
