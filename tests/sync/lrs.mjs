// Starts a REAL xAPI LRS for tests and benchmarks: npm xapi-statements (Learning Locker's
// statements service) in memory, in a child process, on 127.0.0.1 only, from a fresh temporary
// working dir. Runs until SIGTERM/SIGINT, then stops the LRS and removes the temp dir.
//   node tests/sync/lrs.mjs [--auth any | --auth KEY:SECRET [--auth KEY2:SECRET2 ...]]
//                           [--port N] [--port-file F] [--log F] [--timeout-ms 30000]
// --auth any        every credential (and none) is accepted (AUTH_REPO=test); the default.
// --auth KEY:SECRET only these HTTP Basic credentials are accepted, anything else gets 401
//                   (AUTH_REPO=fetch, asking a client-info endpoint this script serves on loopback).
// --port 0 (default) picks a free port. When /xAPI/about answers, the port is written to
// --port-file (atomically) and "READY http://127.0.0.1:PORT/xAPI/" is printed on stdout.
// Clients use the endpoint http://127.0.0.1:PORT/xAPI/ (statements at .../xAPI/statements).
// Request bodies are decoded whole (lrs_body_preload.cjs): the package itself decodes them chunk by
// chunk and stores a character split across chunks as U+FFFD. --chunked-bodies keeps that fault,
// for the test that shows the harness's own comparison catches it.
// --bulk-load turns off the checks and updates that scan the whole store on every write (id
// conflicts, voiding, statement references, activity definitions): for benchmarks that load
// hundreds of thousands of generated statements with fresh ids, none voiding or referring to
// another. Reading is unchanged.
// Exit status: 0 after a clean stop, 1 when the LRS could not start or died.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) process.stderr.write(`lrs: ${msg}\n`);
  process.stderr.write('usage: node lrs.mjs [--auth any|KEY:SECRET ...] [--port N] [--port-file F] [--log F] [--timeout-ms MS]\n');
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      auth: { type: 'string', multiple: true },
      port: { type: 'string', default: '0' },
      'port-file': { type: 'string' },
      log: { type: 'string' },
      'timeout-ms': { type: 'string', default: '30000' },
      'chunked-bodies': { type: 'boolean', default: false },
      'bulk-load': { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  }).values;
} catch (e) {
  usage(e.message);
}
if (opts.help) usage();

const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${opts.port}`);
const timeoutMs = Number(opts['timeout-ms']);
const authArgs = opts.auth && opts.auth.length ? opts.auth : ['any'];
const anyAuth = authArgs.includes('any');
if (anyAuth && authArgs.length > 1) usage('--auth any cannot be combined with KEY:SECRET');
const credentials = new Map(); // key -> secret
if (!anyAuth) {
  for (const a of authArgs) {
    const i = a.indexOf(':');
    if (i <= 0) usage(`--auth wants any or KEY:SECRET, got ${a}`);
    credentials.set(a.slice(0, i), a.slice(i + 1));
  }
}

let serverJs;
try {
  serverJs = require.resolve('xapi-statements/dist/server.js');
} catch (e) {
  process.stderr.write('lrs: xapi-statements is not installed; run tools/npm-deps.sh first\n');
  process.exit(1);
}
const preload = path.join(here, 'loopback_preload.cjs');
const bodyPreload = path.join(here, 'lrs_body_preload.cjs');

const logStream = opts.log ? fs.createWriteStream(opts.log, { flags: 'a' }) : null;
function log(line) {
  const text = `[lrs.mjs ${new Date().toISOString()}] ${line}\n`;
  if (logStream) logStream.write(text); else process.stderr.write(text);
}

const portFile = opts['port-file'];
if (portFile) fs.rmSync(portFile, { force: true });

// ---- the client-info endpoint for AUTH_REPO=fetch -------------------------------------------
// xapi-statements (dist/repo/authRepo/getClient/fetch.js) GETs LL_CLIENT_INFO_ENDPOINT with the
// request's Authorization header copied verbatim. 200 + JSON client -> accepted; 404 -> NoModel ->
// 401 Unauthorised; any other status -> a plain Error -> 500. The client JSON needs _id, title,
// authority (the Agent stamped as statement.authority), isTrusted, lrs_id and organisation (which
// partition the store: all our keys share one so they read each other's statements), and scopes
// ('all' = read and write statements).
const LRS_ID = '5f0000000000000000000001';
const ORG_ID = '5f0000000000000000000002';
function clientFor(key) {
  const keys = [...credentials.keys()];
  const n = keys.indexOf(key) + 1;
  return {
    _id: `5f00000000000000000001${n.toString(16).padStart(2, '0')}`,
    title: `posdrill test client ${key}`,
    authority: { objectType: 'Agent', name: key, account: { homePage: 'http://lrs.posdrill.invalid/clients', name: key } },
    isTrusted: true,
    lrs_id: LRS_ID,
    organisation: ORG_ID,
    scopes: ['all'],
  };
}
function checkBasic(header) {
  const m = /^\s*basic\s+(\S+)\s*$/i.exec(header || '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  const key = decoded.slice(0, i);
  const secret = decoded.slice(i + 1);
  return credentials.has(key) && credentials.get(key) === secret ? key : null;
}

let authServer = null;
async function startAuthServer() {
  authServer = http.createServer((req, res) => {
    const key = checkBasic(req.headers.authorization);
    if (key === null) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"no such client"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(clientFor(key)));
  });
  authServer.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    authServer.once('error', reject);
    authServer.listen(0, '127.0.0.1', resolve);
  });
  return authServer.address().port;
}

// ---- the LRS child -----------------------------------------------------------------------------
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'posdrill-lrs-'));
let child = null;
let stopping = false;
let readyPort = null;

function cleanup() {
  try { fs.rmSync(workDir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
  if (portFile && readyPort !== null) {
    try { fs.rmSync(portFile, { force: true }); } catch (e) { /* best effort */ }
  }
}

async function stop(code, why) {
  if (stopping) return;
  stopping = true;
  log(`stopping: ${why}`);
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch (e) { /* gone */ } }, 3000);
    await exited;
    clearTimeout(timer);
  }
  if (authServer) authServer.close();
  cleanup();
  if (logStream) await new Promise((resolve) => logStream.end(resolve));
  process.exit(code);
}

process.on('SIGTERM', () => stop(0, 'SIGTERM'));
process.on('SIGINT', () => stop(0, 'SIGINT'));
process.on('SIGHUP', () => stop(0, 'SIGHUP'));
process.on('uncaughtException', (e) => { log(`error: ${e.stack || e}`); stop(1, 'uncaught exception'); });

async function aboutAnswers(p) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: p, path: '/xAPI/about', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function main() {
  const t0 = Date.now();
  const env = {
    // A clean environment: only what node needs plus the LRS settings (no inherited LANG, proxies ...).
    PATH: process.env.PATH || '',
    HOME: workDir,
    EXPRESS_PORT: String(port),
    MODELS_REPO: 'memory',
    STORAGE_REPO: 'local',
    FS_LOCAL_STORAGE_DIR: path.join(workDir, 'storage'),
    EVENTS_REPO: 'test',
    AUTH_REPO: anyAuth ? 'test' : 'fetch',
    SERVICE_AWAIT_UPDATES: 'true',
    LANG: 'en',
    WINSTON_CONSOLE_LEVEL: 'info',
    // If this script is killed without cleaning up, the LRS removes its work dir and exits.
    POSDRILL_REMOVE_ON_DISCONNECT: workDir,
    POSDRILL_LRS_CHUNKED_BODIES: opts['chunked-bodies'] ? '1' : '0',
  };
  if (opts['bulk-load']) {
    Object.assign(env, { SERVICE_CHECK_CONFLICTS: 'false', SERVICE_CHECK_VOIDS: 'false', SERVICE_UPDATE_REFS: 'false',
      SERVICE_UPDATE_ACTIVITIES: 'false', SERVICE_UPDATE_VOIDS: 'false', EXPRESS_BODY_PARSER_LIMIT: '50mb' });
  }
  if (!anyAuth) {
    const authPort = await startAuthServer();
    env.LL_CLIENT_INFO_ENDPOINT = `http://127.0.0.1:${authPort}/client`;
  }
  // xapi-statements reads ./.env (dotenv); the real environment wins, this only documents it.
  fs.writeFileSync(path.join(workDir, '.env'),
    Object.entries(env).filter(([k]) => !['PATH', 'HOME', 'POSDRILL_REMOVE_ON_DISCONNECT', 'POSDRILL_LRS_CHUNKED_BODIES'].includes(k)).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  fs.mkdirSync(env.FS_LOCAL_STORAGE_DIR, { recursive: true });

  const out = logStream ? 'pipe' : 'inherit';
  child = spawn(process.execPath, ['-r', preload, '-r', bodyPreload, serverJs], {
    cwd: workDir,
    env,
    stdio: ['ignore', out === 'inherit' ? process.stderr : 'pipe', out === 'inherit' ? process.stderr : 'pipe', 'ipc'],
  });
  if (logStream) {
    child.stdout.on('data', (d) => logStream.write(d));
    child.stderr.on('data', (d) => logStream.write(d));
  }
  log(`started xapi-statements pid ${child.pid} in ${workDir} (auth ${anyAuth ? 'any' : [...credentials.keys()].join(',')})`);

  let listenPort = null;
  child.on('message', (m) => {
    if (m && typeof m === 'object' && typeof m.posdrillListening === 'number' && listenPort === null) {
      listenPort = m.posdrillListening;
    }
    if (m && typeof m === 'object' && m.posdrillListenError) log(`xapi-statements could not listen: ${m.posdrillListenError}`);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`xapi-statements exited unexpectedly (code ${code}, signal ${signal})`);
      stop(1, 'LRS died');
    }
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    if (listenPort !== null && await aboutAnswers(listenPort)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (stopping) return;
  if (listenPort === null || !(await aboutAnswers(listenPort))) {
    log(`xapi-statements did not answer /xAPI/about within ${timeoutMs} ms`);
    process.stderr.write(`lrs: xapi-statements did not start within ${timeoutMs} ms\n`);
    await stop(1, 'start time-out');
    return;
  }
  readyPort = listenPort;
  if (portFile) {
    const tmp = `${portFile}.tmp${process.pid}`;
    fs.writeFileSync(tmp, `${readyPort}\n`);
    fs.renameSync(tmp, portFile);
  }
  const endpoint = `http://127.0.0.1:${readyPort}/xAPI/`;
  log(`ready after ${Date.now() - t0} ms at ${endpoint}`);
  process.stdout.write(`READY ${endpoint}\n`);
}

main().catch((e) => { log(`error: ${e.stack || e}`); stop(1, 'start failed'); });
