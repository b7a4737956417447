// A CUP terminal written from device_bridge/README.md alone: its own framing, BCD codec, bitmap,
// MAC, sign-on key handling, PIN block and DE55, none of posdrill's code. It talks to a running
// `posdrill host` and checks the answers the README promises. DES comes from Node's crypto
// (OpenSSL's legacy provider: run with --openssl-legacy-provider).
// Usage: node --openssl-legacy-provider readme_client.mjs PORT
import crypto from 'node:crypto';
import net from 'node:net';

const port = Number(process.argv[2]);
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : ` — ${detail}`}`);
  if (!ok) failures += 1;
};

// ---- DES: single (8-byte key) and two-key 3DES (16 bytes), ECB, no padding -------------------
function des(block, key, decrypt = false) {
  const algo = key.length === 8 ? 'des-ecb' : 'des-ede-ecb';
  const c = decrypt ? crypto.createDecipheriv(algo, key, null) : crypto.createCipheriv(algo, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
const checkValue = (key) => des(Buffer.alloc(8), key).subarray(0, 4);

// ---- Fields, as the README's table has them ---------------------------------------------------
// kind: n (BCD), z (track), an / ans / b (bytes); len: fixed size, or 'LL' / 'LLL' with a maximum.
const FIELDS = {
  2: ['n', 'LL'], 3: ['n', 6], 4: ['n', 12], 11: ['n', 6], 12: ['n', 6], 13: ['n', 4], 14: ['n', 4],
  22: ['n', 3, 'left'], 23: ['n', 3, 'right'], 25: ['n', 2], 26: ['n', 2], 32: ['n', 'LL'], 35: ['z', 'LL'],
  37: ['an', 12], 38: ['an', 6], 39: ['an', 2], 41: ['ans', 8], 42: ['ans', 15], 48: ['n', 'LLL'], 49: ['an', 3],
  52: ['b', 8], 53: ['n', 16], 54: ['an', 'LLL'], 55: ['b', 'LLL'], 60: ['n', 'LLL'], 61: ['n', 'LLL'],
  62: ['ans', 'LLL'], 63: ['ans', 'LLL'], 64: ['b', 8],
};

// Digits to BCD; an odd count gets a 0 nibble last (left-aligned) or first (right-aligned).
function bcd(digits, align = 'left') {
  let d = digits.replaceAll('=', 'D');
  if (d.length % 2) d = align === 'left' ? `${d}0` : `0${d}`;
  return Buffer.from(d, 'hex');
}
const lenPrefix = (n, bytes) => bcd(String(n).padStart(bytes * 2, '0'), 'right');

function encodeField(de, value) {
  const [kind, len, align] = FIELDS[de];
  const numeric = kind === 'n' || kind === 'z';
  const raw = Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1');
  const body = numeric ? bcd(value, len === 'LL' || len === 'LLL' ? 'left' : align ?? 'right') : raw;
  const count = numeric ? value.length : body.length;
  if (len === 'LL') return Buffer.concat([lenPrefix(count, 1), body]);
  if (len === 'LLL') return Buffer.concat([lenPrefix(count, 2), body]);
  return body;
}

// The MAC: XOR 8-byte blocks of the MAB, hex, DES(first 8) XOR last 8, DES, first 8 hex chars.
function mac(mab, mak) {
  const x = Buffer.alloc(8);
  for (let i = 0; i < mab.length; i += 1) x[i % 8] ^= mab[i];
  const hex = Buffer.from(x.toString('hex').toUpperCase());
  const e1 = des(hex.subarray(0, 8), mak.subarray(0, 8));
  for (let i = 0; i < 8; i += 1) e1[i] ^= hex[8 + i];
  return Buffer.from(des(e1, mak.subarray(0, 8)).toString('hex').toUpperCase().slice(0, 8));
}

// MTI + fields {de: value} -> frame body (TPDU, header, MTI, bitmap, fields, MAC when a key is given).
function encode(mti, fields, mak) {
  const des_ = Object.keys(fields).map(Number);
  if (mak) des_.push(64);
  des_.sort((a, b) => a - b);
  const bitmap = Buffer.alloc(8);
  for (const de of des_) bitmap[(de - 1) >> 3] |= 0x80 >> ((de - 1) & 7);
  const parts = [bcd(mti), bitmap];
  for (const de of des_) if (de !== 64) parts.push(encodeField(de, fields[de]));
  let mab = Buffer.concat(parts);
  if (mak) mab = Buffer.concat([mab, mac(mab, mak)]);
  return Buffer.concat([Buffer.from('6000030000603100000000', 'hex'), mab]);
}

function decode(body, mak) {
  let pos = 11;  // TPDU 5 + header 6
  const mti = body.subarray(pos, pos + 2).toString('hex');
  pos += 2;
  const bitmap = body.subarray(pos, pos + 8);
  pos += 8;
  const fields = {};
  let macStart = 0;
  for (let de = 2; de <= 64; de += 1) {
    if (!(bitmap[(de - 1) >> 3] & (0x80 >> ((de - 1) & 7)))) continue;
    if (de === 64) macStart = pos;
    const [kind, len, align] = FIELDS[de];
    const numeric = kind === 'n' || kind === 'z';
    let count = len;
    if (len === 'LL' || len === 'LLL') {
      const n = len === 'LL' ? 1 : 2;
      count = Number(body.subarray(pos, pos + n).toString('hex'));
      pos += n;
    }
    const bytes = numeric ? Math.ceil(count / 2) : count;
    const raw = body.subarray(pos, pos + bytes);
    pos += bytes;
    const digits = raw.toString('hex').toUpperCase().replaceAll('D', '=');
    // An odd digit count has one pad nibble: first in a right-aligned fixed field, else last.
    const padFirst = typeof len === 'number' && count % 2 && (align ?? 'right') === 'right';
    fields[de] = numeric ? (padFirst ? digits.slice(1) : digits.slice(0, count)) : kind === 'b' ? raw : raw.toString('latin1');
  }
  const macOk = macStart && mak ? mac(body.subarray(11, macStart), mak).equals(fields[64]) : null;
  return { mti, fields, macOk };
}

// One exchange on its own connection: 2-byte big-endian length, then the body.
function exchange(body) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    s.setTimeout(30000, () => reject(new Error('no answer')));
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length);
      s.write(Buffer.concat([len, body]));
    });
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        s.end();
        resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
      }
    });
    s.on('error', reject);
  });
}

// ---- The terminal ------------------------------------------------------------------------------
const TMK = Buffer.from('TEST-TMK-KEY-001');
const TERMINAL = { 41: '10000001', 42: '898310048161234' };
let trace = 500;
const nextTrace = () => String((trace += 1)).padStart(6, '0');
const amount = (fen) => String(fen).padStart(12, '0');

function pinBlock(pin, pan, pik) {
  const pinField = `0${pin.length.toString(16)}${pin}`.padEnd(16, 'F');
  const panField = `0000${pan.slice(-13, -1)}`;
  const clear = Buffer.from(pinField, 'hex');
  const p = Buffer.from(panField, 'hex');
  for (let i = 0; i < 8; i += 1) clear[i] ^= p[i];
  return des(clear, pik);
}

// Decrypts the working keys of a sign-on answer and checks their check values.
function keysOf(de62) {
  const block = de62.length === 24 ? 12 : 20;
  const key = (b) => {
    const width = b.length - 4;
    let k = des(b.subarray(0, 8), TMK, true);
    if (width === 16 && !b.subarray(8, 16).equals(Buffer.alloc(8))) k = Buffer.concat([k, des(b.subarray(8, 16), TMK, true)]);
    return checkValue(k).equals(b.subarray(width)) ? k : null;
  };
  return { pik: key(de62.subarray(0, block)), mak: key(de62.subarray(block, 2 * block)) };
}

function tlv(tagHex, valueHex) {
  const v = Buffer.from(valueHex, 'hex');
  return Buffer.concat([Buffer.from(tagHex, 'hex'), Buffer.from([v.length]), v]);
}

async function main() {
  // Sign-on, double-length keys.
  const signOn = decode(await exchange(encode('0800', { 11: nextTrace(), ...TERMINAL, 60: '00000001003', 63: '001' })));
  check(signOn.mti === '0810' && signOn.fields[39] === '00', 'sign-on 003 approved', JSON.stringify(signOn.fields[39]));
  const de62 = Buffer.from(signOn.fields[62] ?? '', 'latin1');
  check(de62.length === 40, 'DE62 of a 003 sign-on is 40 bytes', de62.length);
  const { pik, mak } = keysOf(de62);
  check(pik && pik.length === 16 && mak && mak.length === 8, 'working keys decrypt and match their check values');
  if (!pik || !mak) process.exit(1);

  const pan = '6200000000000047';
  const other = '6200000000000005';
  const card = (p) => ({ 35: `${p}=30122010000000000` });
  const withPin = (p) => ({ 22: '021', 26: '12', 52: pinBlock('123456', p, pik), 53: '2600000000000000' });
  const send = async (mti, fields) => decode(await exchange(encode(mti, fields, mak)), mak);

  // A swiped sale with PIN.
  const sale = { 3: '000000', 4: amount(1234), 11: nextTrace(), 25: '00', ...card(pan), ...TERMINAL, 49: '156',
                 60: '22000001000', ...withPin(pan) };
  const s = await send('0200', sale);
  check(s.mti === '0210' && s.fields[39] === '00', 'sale approved', s.fields[39]);
  check(s.macOk === true, 'the answer MAC verifies under the MAK');
  check(s.fields[11] === sale[11] && s.fields[4] === sale[4], 'the answer echoes DE11 and DE4');
  check(/^\d{12}$/.test(s.fields[37] ?? '') && /^\d{6}$/.test(s.fields[38] ?? ''), 'DE37 is 12 digits, DE38 6');

  const inquiry = async () => send('0200', { 3: '310000', 11: nextTrace(), 25: '00', ...card(pan), ...TERMINAL,
                                             60: '01000001000', ...withPin(pan) });
  let b = await inquiry();
  check(b.fields[39] === '00' && b.fields[54] === '1002156C000000998766', 'balance answer DE54 per the README', b.fields[54]);

  // A reversal with the sale's trace but another card and amount: 25, nothing moves.
  const reversalOf = (f, p) => { const r = { ...f, 2: p, 39: '98' }; for (const de of [35, 36, 37, 52, 53]) delete r[de]; return r; };
  const stranger = { ...reversalOf(sale, other), 4: amount(500) };
  check((await send('0400', stranger)).fields[39] === '25', 'a reversal for another card and amount answers 25');
  b = await inquiry();
  check(b.fields[54] === '1002156C000000998766', 'and moved nothing', b.fields[54]);
  const rev = await send('0400', reversalOf(sale, pan));
  check(rev.mti === '0410' && rev.fields[39] === '00' && rev.fields[37] === s.fields[37], 'the real reversal answers 00 with the RRN');
  b = await inquiry();
  check(b.fields[54] === '1002156C000001000000', 'and gave the money back', b.fields[54]);

  // A void for another amount: 64.
  const sale2 = { ...sale, 11: nextTrace() };
  const s2 = await send('0200', sale2);
  const voidOf = (fen) => ({ 3: '200000', 4: amount(fen), 11: nextTrace(), 22: '022', 25: '00', ...card(pan), 37: s2.fields[37],
                             38: s2.fields[38], ...TERMINAL, 49: '156', 60: '23000001000', 61: `000001${sale2[11]}` });
  check((await send('0200', voidOf(1))).fields[39] === '64', 'a void of 0.01 for a 12.34 sale answers 64');
  check((await send('0200', voidOf(1234))).fields[39] === '00', 'the void of 12.34 is approved');

  // A chip sale carries DE55 (the README's tag list), built here from scratch.
  const icc = Buffer.concat([tlv('9F26', '1122334455667788'), tlv('9F27', '80'), tlv('9F10', '07010103A00000'),
    tlv('9F37', '01020304'), tlv('9F36', '0001'), tlv('95', '0000000000'), tlv('9A', '261120'), tlv('9C', '00'),
    tlv('9F02', '000000000800'), tlv('5F2A', '0156'), tlv('82', '7C00'), tlv('9F1A', '0156'),
    tlv('9F03', '000000000000'), tlv('9F33', 'E0F1C8')]);
  const chip = { 3: '000000', 4: amount(800), 11: nextTrace(), 23: '001', 25: '00', ...card(other), ...TERMINAL, 49: '156',
                 55: icc, 60: '22000001000', ...withPin(other), 22: '051' };
  check((await send('0200', chip)).fields[39] === '00', 'a chip sale with the README\'s DE55 is approved');
  delete chip[55];
  chip[11] = nextTrace();
  check((await send('0200', chip)).fields[39] === '30', 'the same without DE55 answers 30');

  // A wrong MAC: A0. A single-length sign-on (001): 24 bytes, PIN blocks under the 8-byte PIK.
  const bad = decode(await exchange(encode('0200', { ...sale, 11: nextTrace() }, Buffer.from('WRONGKEY'))), mak);
  check(bad.fields[39] === 'A0', 'a request under another MAC key answers A0', bad.fields[39]);
  const single = decode(await exchange(encode('0800', { 11: nextTrace(), ...TERMINAL, 60: '00000001001', 63: '001' })));
  const k1 = keysOf(Buffer.from(single.fields[62] ?? '', 'latin1'));
  check(single.fields[62]?.length === 24 && k1.pik?.length === 8 && k1.mak?.length === 8,
        'a 001 sign-on hands out 8-byte keys in 24 bytes');
  const sale3 = { 3: '000000', 4: amount(100), 11: nextTrace(), 22: '021', 25: '00', 26: '12', ...card(pan), ...TERMINAL,
                  49: '156', 52: pinBlock('123456', pan, k1.pik), 53: '2600000000000000', 60: '22000001000' };
  check((await send('0200', sale3)).fields[39] === '00', 'a PIN block under the single-length PIK is accepted');

  console.log(failures ? `${failures} failed` : 'all passed');
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL ${e.message}`);
  process.exit(1);
});
