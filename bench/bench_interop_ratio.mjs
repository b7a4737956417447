// Interop codec speed next to npm iso_8583 (version pinned in package.json / package-lock.json):
// the same ten messages (sale, balance inquiry, pre-auth, completion, reversal and their answers,
// built as tests/device_bridge/interop_check.mjs builds them) packed and unpacked K times per run
// by the package, timed here, and by our interop codec, timed inside bench_interop_codec, which
// gets the messages on stdin. Runs alternate between the two so that load from other processes
// falls on both alike. Prints messages per second for each, median and spread, and the ratio
// ours / iso_8583 (above 1: ours is faster), the median of the per-run ratios. Asserts nothing
// about speed, but exits 1 when the package is missing, the C++ side fails, or the two sides do
// not pack the same bytes (then they would not be doing the same work).
// Usage: node bench/bench_interop_ratio.mjs BENCH_INTEROP_CODEC [RUNS] [K]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A missing peer is a failure, never a skip: without it there is nothing to compare against.
const packageDir = join(root, 'node_modules', 'iso_8583');
if (!existsSync(join(packageDir, 'package.json'))) {
  console.error(`bench_interop_ratio FAILED: ${packageDir} is missing; run npm ci in ${root}`);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const ISO = require('iso_8583');
const isoVersion = require(join(packageDir, 'package.json')).version;

const tool = process.argv[2];
const runs = Math.max(5, Number(process.argv[3]) || 7);
const perRun = Math.max(1, Number(process.argv[4]) || 2000);
if (!tool) {
  console.error('usage: node bench_interop_ratio.mjs BENCH_INTEROP_CODEC [RUNS] [K]');
  process.exit(2);
}

const ids = { 11: '000124', 41: '10000001', 42: '123456789012345', 49: '156' };
const answered = { 12: '101530', 13: '0315', 32: '01020000', 37: '031510153001', 39: '00' };
const track2 = '6200000000000047=30122010000000000000';
const pinBlock = '0f34ff5bc103a15d';
const chip = '9f2608a1b2c3d4e5f607189f2701809f101307010103a0a000010a010000000000';
const preauthPan = '6205500000000000004';

const messages = {
  sale_request: { 0: '0200', 3: '000000', 4: '000000032800', 22: '051', 23: '001', 25: '00', 26: '12', 35: track2,
    52: pinBlock, 55: chip, 60: '22000042000', ...ids },
  sale_response: { 0: '0210', 2: '6200000000000047', 3: '000000', 4: '000000032800', 25: '00', 38: 'B2C3D4',
    44: '01020000   01020000', 60: '22000042000', ...ids, ...answered },
  balance_request: { 0: '0200', 3: '310000', 22: '051', 25: '00', 26: '12', 35: track2, 52: pinBlock,
    60: '01000042000', ...ids },
  // DE54 as host.h encode_balance writes it: available, CNY, credit, CNY 5000.00.
  balance_response: { 0: '0210', 3: '310000', 25: '00', 54: '1002156C000000500000', 60: '01000042000', 63: 'CUP',
    ...ids, ...answered },
  preauth_request: { 0: '0100', 2: preauthPan, 3: '030000', 4: '000000100000', 14: '3012', 22: '012', 25: '06',
    60: '10000042000', ...ids },
  preauth_response: { 0: '0110', 2: preauthPan, 3: '030000', 4: '000000100000', 25: '06', 38: '654321',
    60: '10000042000', ...ids, ...answered },
  completion_request: { 0: '0200', 2: preauthPan, 3: '000000', 4: '000000098000', 22: '012', 25: '06', 38: '654321',
    60: '20000042000', 61: '0000420001190314', ...ids },
  completion_response: { 0: '0210', 2: preauthPan, 3: '000000', 4: '000000098000', 25: '06', 38: '654321',
    60: '20000042000', 61: '0000420001190314', ...ids, ...answered },
  reversal_request: { 0: '0400', 3: '000000', 4: '000000032800', 22: '051', 25: '00', 39: '98', 55: chip,
    60: '22000042000', ...ids },
  reversal_response: { 0: '0410', 3: '000000', 4: '000000032800', 25: '00', 60: '22000042000', ...ids, ...answered },
};
const names = Object.keys(messages);
const list = names.map((n) => messages[n]);

function fail(why) {
  console.error(`bench_interop_ratio FAILED: ${why}`);
  process.exit(1);
}

const packed = list.map((m) => new ISO(m).getBufferMessage());
packed.forEach((b, i) => Buffer.isBuffer(b) || fail(`iso_8583 cannot pack ${names[i]}: ${JSON.stringify(b)}`));
packed.forEach((b, i) => {
  const back = new ISO().getIsoJSON(b, {});
  if (back.error) fail(`iso_8583 cannot unpack ${names[i]}: ${back.error}`);
});

// Byte and field counts feed a checksum so that no result goes unused.
let checksum = 0;
function packAll() {
  for (const m of list) checksum += new ISO(m).getBufferMessage().length;
}
function unpackAll() {
  for (const b of packed) checksum += Object.keys(new ISO().getIsoJSON(b, {})).length;
}
function perSecond(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < perRun; i++) fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return seconds > 0 ? (perRun * list.length) / seconds : 0;
}

// One run of the C++ side; it warms up by itself.
const input = list.map((m) => JSON.stringify(m)).join('\n') + '\n';
function oursOnce() {
  const r = spawnSync(tool, ['1', String(perRun)], { input, encoding: 'utf8' });
  if (r.error || r.status !== 0) fail(`${tool} exited ${r.status}: ${r.error || r.stderr}`);
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch (e) {
    fail(`${tool} printed no JSON: ${r.stdout}`);
  }
  out.hex.forEach((h, i) => {
    if (h !== packed[i].toString('hex')) {
      fail(`${names[i]} packs differently\n  ours     ${h}\n  iso_8583 ${packed[i].toString('hex')}`);
    }
  });
  return { pack: out.pack[0], unpack: out.unpack[0] };
}

// Let the JIT settle before anything is timed, as the C++ side warms its caches.
for (let i = 0; i < Math.max(1, perRun / 10); i++) {
  packAll();
  unpackAll();
}

const figures = { pack: { theirs: [], ours: [], ratio: [] }, unpack: { theirs: [], ours: [], ratio: [] } };
for (let r = 0; r < runs; r++) {
  const theirs = { pack: perSecond(packAll), unpack: perSecond(unpackAll) };
  const ours = oursOnce();
  for (const op of ['pack', 'unpack']) {
    figures[op].theirs.push(theirs[op]);
    figures[op].ours.push(ours[op]);
    figures[op].ratio.push(ours[op] / theirs[op]);
  }
}

function spread(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.round(q * (v.length - 1)))];
  return { median: at(0.5), min: v[0], p90: at(0.9), max: v[v.length - 1] };
}
const num = (x, digits) => x.toFixed(digits).padStart(10);
function line(what, values, digits, unit) {
  const s = spread(values);
  console.log(`${what.padEnd(26)} median ${num(s.median, digits)} ${unit.padEnd(5)}  min ${num(s.min, digits)}` +
    `   p90 ${num(s.p90, digits)}   max ${num(s.max, digits)}`);
}

const bytes = packed.reduce((n, b) => n + b.length, 0);
console.log(`interop codec vs iso_8583 ${isoVersion}: ${list.length} messages, ${bytes} bytes framed ` +
  `in all, ${runs} runs of ${perRun} x ${list.length} (node ${process.version})`);
for (const op of ['pack', 'unpack']) {
  line(`${op} iso_8583`, figures[op].theirs, 0, 'msg/s');
  line(`${op} ours`, figures[op].ours, 0, 'msg/s');
  line(`${op} ratio ours/iso_8583`, figures[op].ratio, 2, 'x');
}
console.log(`(checksum ${checksum})`);
