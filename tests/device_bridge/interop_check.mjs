// Cross-checks posdrill's interop dialect against an independent implementation, npm iso_8583
// (version pinned in package.json / package-lock.json). Usage: node interop_check.mjs INTEROP_TOOL
//
//  (a) iso_8583 packs each message; interop_tool decodes it; every field must come back equal, and
//      interop_tool's own encoding of the same JSON must be byte-identical to the package's.
//  (b) interop_tool encodes each message; iso_8583 unpacks it; every field must come back equal.
//  (c) a MAC computed by interop_tool survives an unpack + repack by iso_8583 and still verifies.
//  (d) inputs the package refuses to pack are refused by interop_tool too.
// Prints "N passed, M failed" and exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ISO = require('iso_8583');

const tool = process.argv[2];
if (!tool) {
  console.error('usage: node interop_check.mjs INTEROP_TOOL');
  process.exit(2);
}

// Fields the package types as b (hex in its JSON): compared case-insensitively.
const BINARY = new Set(['52', '53', '64']);
const TEST_MAC_KEY_HEX = Buffer.from('TEST-MAC-KEY-001').toString('hex');

const common = { 11: '000124', 41: '10000001', 42: '123456789012345', 49: '156' };
const responseCommon = { 12: '101530', 13: '0315', 32: '01020000', 37: '031510153001', 39: '00' };
const track2 = '6200000000000047=30122010000000000000';
const chip = '9f2608a1b2c3d4e5f607189f2701809f101307010103a0a000010a010000000000';

const messages = {
  sale_request: { 0: '0200', 3: '000000', 4: '000000032800', 22: '051', 23: '001', 25: '00', 26: '12', 35: track2,
    52: '0f34ff5bc103a15d', 55: chip, 60: '22000042000', ...common },
  sale_response: { 0: '0210', 2: '6200000000000047', 3: '000000', 4: '000000032800', 25: '00', 38: 'B2C3D4',
    44: '01020000   01020000', 60: '22000042000', ...common, ...responseCommon },
  balance_request: { 0: '0200', 3: '310000', 22: '051', 25: '00', 26: '12', 35: track2, 52: '0f34ff5bc103a15d',
    60: '01000042000', ...common },
  balance_response: { 0: '0210', 3: '310000', 25: '00', 54: undefined, 60: '01000042000',
    63: 'CUP', ...common, ...responseCommon },
  preauth_request: { 0: '0100', 2: '6205500000000000004', 3: '030000', 4: '000000100000', 14: '3012', 22: '012',
    25: '06', 60: '10000042000', ...common },
  preauth_response: { 0: '0110', 2: '6205500000000000004', 3: '030000', 4: '000000100000', 25: '06', 38: '654321',
    60: '10000042000', ...common, ...responseCommon },
  completion_request: { 0: '0200', 2: '6205500000000000004', 3: '000000', 4: '000000098000', 22: '012', 25: '06',
    38: '654321', 60: '20000042000', 61: '0000420001190314', ...common },
  completion_response: { 0: '0210', 2: '6205500000000000004', 3: '000000', 4: '000000098000', 25: '06',
    38: '654321', 60: '20000042000', 61: '0000420001190314', ...common, ...responseCommon },
  reversal_request: { 0: '0400', 3: '000000', 4: '000000032800', 22: '051', 25: '00', 39: '98', 55: chip,
    60: '22000042000', ...common },
  reversal_response: { 0: '0410', 3: '000000', 4: '000000032800', 25: '00', 60: '22000042000', ...common,
    ...responseCommon },
  void_request: { 0: '0200', 2: '6200000000000005', 3: '200000', 4: '000000032800', 22: '012', 25: '00',
    37: '000000123456', 38: 'A1B2C3', 60: '23000042000', 61: '000042000120', ...common },
  refund_request: { 0: '0220', 2: '6200000000000005', 3: '200000', 4: '000000032800', 22: '012', 25: '00',
    37: '000000123456', 60: '25000042000', 61: '0000420001200315', 63: '000', ...common },
  sign_on_response: { 0: '0810', 11: '000001', 39: '00', 41: '10000001', 42: '123456789012345',
    60: '00000042003', 62: 'PIK0123456789ABCDEFMAK0123456789ABCDEF', 70: '001' },
  settlement_request: { 0: '0500', 11: '000125', 41: '10000001', 42: '123456789012345', 48: '000000000328000',
    49: '156', 60: '00000042201', 63: '001' },
  with_security_info: { 0: '0200', 3: '000000', 4: '000000000100', 53: '26'.padEnd(96, '0'), 64: '1a2b3c4d',
    90: '020000012403151015300000000001020000000000', ...common },
};
for (const m of Object.values(messages)) for (const k of Object.keys(m)) if (m[k] === undefined) delete m[k];

let passed = 0;
let failed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
}

function runTool(mode, lines, extra = []) {
  const r = spawnSync(tool, [mode, ...extra], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0 || r.error) {
    console.log(`FAIL interop_tool ${mode} exited ${r.status}: ${r.error || r.stderr}`);
    process.exit(1);
  }
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

const norm = (k, v) => (BINARY.has(String(k)) ? String(v).toLowerCase() : String(v));

function compareFields(what, expected, actual) {
  const ek = Object.keys(expected).filter((k) => k !== '0').sort();
  const ak = Object.keys(actual).filter((k) => k !== '0').sort();
  check(actual['0'] === expected['0'], `${what} MTI`, `${actual['0']} != ${expected['0']}`);
  check(JSON.stringify(ek) === JSON.stringify(ak), `${what} field set`, `${ak} != ${ek}`);
  for (const k of ek) {
    check(norm(k, actual[k]) === norm(k, expected[k]), `${what} DE${k}`, `${JSON.stringify(actual[k])} != ${JSON.stringify(expected[k])}`);
  }
}

const names = Object.keys(messages);
const packed = names.map((n) => new ISO({ ...messages[n] }).getBufferMessage());
for (let i = 0; i < names.length; i++) {
  if (!Buffer.isBuffer(packed[i])) {
    console.log(`FAIL iso_8583 could not pack ${names[i]}: ${JSON.stringify(packed[i])}`);
    process.exit(1);
  }
}

// (a) package packs, tool decodes; tool's own bytes equal the package's.
const decoded = runTool('decode', packed.map((b) => b.toString('hex')));
const encodedSame = runTool('encode', names.map((n) => JSON.stringify(messages[n])));
names.forEach((n, i) => {
  const d = decoded[i];
  check(d.ok, `(a) ${n} decodes`, d.message);
  if (d.ok) compareFields(`(a) ${n}`, messages[n], d.msg);
  check(encodedSame[i].ok && encodedSame[i].hex === packed[i].toString('hex'), `(a) ${n} same bytes as iso_8583`,
    encodedSame[i].ok ? `\n  tool ${encodedSame[i].hex}\n  npm  ${packed[i].toString('hex')}` : encodedSame[i].message);
});

// (b) tool encodes, package unpacks.
encodedSame.forEach((e, i) => {
  if (!e.ok) return check(false, `(b) ${names[i]} encodes`, e.message);
  const json = new ISO().getIsoJSON(Buffer.from(e.hex, 'hex'), {});
  check(!json.error, `(b) ${names[i]} unpacks in iso_8583`, json.error);
  if (!json.error) compareFields(`(b) ${names[i]}`, messages[names[i]], json);
});

// (c) MAC: tool computes DE64, the package unpacks and repacks it, the tool verifies it.
const macNames = names.filter((n) => !('64' in messages[n]));
const withMac = runTool('encode', macNames.map((n) => JSON.stringify(messages[n])), ['--mac-key-hex', TEST_MAC_KEY_HEX]);
const repacked = withMac.map((e, i) => {
  check(e.ok, `(c) ${macNames[i]} encodes with a MAC`, e.message);
  const json = new ISO().getIsoJSON(Buffer.from(e.hex, 'hex'), {});
  check(/^[0-9a-f]{8}$/.test(json['64'] || ''), `(c) ${macNames[i]} DE64 is 4 bytes in iso_8583`, json['64']);
  return new ISO(json).getBufferMessage().toString('hex');
});
const verified = runTool('decode', repacked, ['--mac-key-hex', TEST_MAC_KEY_HEX]);
verified.forEach((v, i) => check(v.ok && v.mac === 'mac_ok', `(c) ${macNames[i]} MAC verifies after iso_8583 repack`, v.mac || v.message));
// ...and a changed amount after the repack is caught.
const tampered = runTool('decode', [repacked[0].replace('303030303030303332383030', '303030303030303932383030')],
  ['--mac-key-hex', TEST_MAC_KEY_HEX]);
check(tampered[0].ok && tampered[0].mac === 'mac_bad', '(c) changed amount gives mac_bad', tampered[0].mac);

// (d) what the package refuses to pack, the tool refuses to encode.
const refused = [
  { 0: '0200', 3: '00A000' },                               // n with a letter
  { 0: '0200', 3: '00000' },                                // fixed field too short
  { 0: '0200', 3: '000000', 64: '1122334455667788' },       // DE64 is 4 bytes in iso_8583
  { 0: '0200', 3: '000000', 36: '12=34' },                  // DE36 is n there
  { 0: '0200', 2: '62000000000000000005' },                 // PAN over 19 digits
];
const toolRefused = runTool('encode', refused.map((m) => JSON.stringify(m)));
refused.forEach((m, i) => {
  const pkg = new ISO({ ...m }).getBufferMessage();
  check(!Buffer.isBuffer(pkg), `(d) iso_8583 refuses ${JSON.stringify(m)}`);
  check(!toolRefused[i].ok, `(d) interop_tool refuses ${JSON.stringify(m)}`, toolRefused[i].hex);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
