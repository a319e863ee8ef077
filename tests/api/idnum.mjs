// idnum.mjs — valid test numbers computed from the standards' definitions (not from the code under test).

// GB 11643 / ISO 7064 MOD 11-2: Σ a_i·2^(17-i) over all 18 positions ≡ 1 (mod 11); X stands for 10.
export function idNumber(region, yyyymmdd, seq = '123') {
  const d17 = `${region}${yyyymmdd}${seq}`;
  for (let c = 0; c <= 10; c++) {
    let sum = c;
    for (let i = 0; i < 17; i++) sum += Number(d17[i]) * (2 ** (17 - i) % 11);
    if (sum % 11 === 1) return d17 + (c === 10 ? 'X' : String(c));
  }
  throw new Error('no check character');
}

// Luhn: the digit that makes the doubled-alternate sum a multiple of 10.
export function bankCard(payload) {
  for (let d = 0; d <= 9; d++) {
    const s = payload + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let v = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) { v *= 2; if (v > 9) v -= 9; }
      sum += v;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('no check digit');
}

// GB 32100: Σ C_i·3^i mod 31 over the 17 characters plus the check value ≡ 0 (mod 31).
export function creditCode(first17) {
  const alpha = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alpha.indexOf(first17[i]) * (3 ** i % 31);
  for (let v = 0; v < 31; v++) if ((sum + v) % 31 === 0) return first17 + alpha[v];
  throw new Error('no check character');
}

// The Beijing calendar year now.
export function beijingYear() { return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear(); }
