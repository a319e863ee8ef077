// hs.mjs — shared steps of the home-services tests: an approved merchant with a service, a time in its slots.
import assert from 'node:assert/strict';
import { run } from './lib.mjs';

export const LICENSE = '91440101MA59ABCD1X';
export const allWeek = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '20:00' }];

// A Beijing wall-clock time `days` from now at `hour`, as RFC 3339 with +08:00.
export function beijing(days, hour) {
  const d = new Date(Date.now() + days * 86400e3 + 8 * 3600e3);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(hour)}:00:00+08:00`;
}

// Signs in `phone`, makes it an approved merchant (staff `mod`) and offers one service per body.
export async function merchantWith(L, phone, mod, name, bodies) {
  const who = await L.signIn(phone);
  const app = await L.req('POST', '/api/v1/merchants', { token: who.token, body: { name, city: 4401, license_no: LICENSE } });
  assert.equal(app.status, 201, app.text);
  assert.equal((await L.req('POST', `/api/v1/admin/merchants/${app.json.id}/approve`, { token: mod.token })).status, 200);
  const services = [];
  for (const b of bodies) {
    const res = await L.req('POST', '/api/v1/services', { token: who.token, body: { description: '', unit: '次', city: 4401,
      area: { districts: [440106, 440104] }, slots: allWeek, ...b } });
    assert.equal(res.status, 201, res.text);
    services.push(res.json.id);
  }
  return { ...who, merchantId: app.json.id, services };
}

export async function staff(L, phone, role) {
  const who = await L.signIn(phone);
  assert.equal(run(L.dir, 'staff', 'grant', phone, role).code, 0);
  return who;
}
