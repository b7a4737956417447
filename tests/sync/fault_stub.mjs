// A fault-injecting HTTP server on 127.0.0.1 that stands in front of an LRS (or instead of one), so
// sync tests can make the kiosk meet 429/503/413/401/409, dropped connections, lost answers,
// slowness, garbage and hangs, and then check what it did:
//   node tests/sync/fault_stub.mjs --port N|0 --port-file F --log F.jsonl
//        [--upstream http://127.0.0.1:P/xAPI/] (--script FILE | --mode MODE) [--statements-only]
// Clients use http://127.0.0.1:PORT/xAPI/ (the path is forwarded unchanged to the upstream's
// host, so use the same path prefix as the upstream endpoint).
// Script: one action per line, used one per request in order ('#' starts a comment); once the list
// is used up every request gets `pass` with --upstream, `200-echo` without. With --statements-only
// only requests to .../statements take actions from the script; others get the default.
// Actions:
//   pass                       proxy to the upstream unchanged (method, path, headers incl.
//                              Authorization, body); without upstream: 200-echo
//   200-echo                   POST .../statements -> 200 + JSON array of the ids received (ids
//                              are made up for statements without one); PUT -> 204; GET .../about
//                              -> 200; other GET -> 200 {"statements":[],"more":""}
//   status CODE [retry-after=SECONDS] [body=TEXT]   answer CODE without contacting the upstream
//                              (TEXT is the rest of the line; default a small JSON error)
//   reset                      read the request headers, then reset the connection without answering
//   reset-mid-body             with upstream: forward the request (so the LRS stores it), then send the
//                              upstream's status and headers with its full Content-Length but only
//                              half the body, and destroy the connection (an answer lost in
//                              transit); without upstream the same with the 200-echo answer
//   slow MS                    wait MS milliseconds, then pass (or 200-echo)
//   garbage                    200 with a non-JSON body
//   hang                       never answer (the connection stays open until the client gives up)
// --mode fail-half: requests 1, 3, 5, ... get 503, the others pass. --mode ACTION: that action for
// every request (e.g. --mode "status 503 retry-after=1").
// Log (--log): one JSON line per request: {time, seq, method, path, auth (whether an Authorization
// header was present; its value is never logged), bytes, ids (statement ids in the body, or null),
// action, status (null when no status line was sent), ms, error?}.
// --bodies F.jsonl: also one JSON line per POST to .../statements with the body exactly as
// received ({seq, body}; decoded as UTF-8 once the whole body is in), for tests that compare what
// the kiosk sent with what the LRS stored.
// Prints "READY http://127.0.0.1:PORT/" on stdout when listening; runs until SIGTERM/SIGINT.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

function die(msg) {
  process.stderr.write(`fault_stub: ${msg}\n`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'port-file': { type: 'string' },
      log: { type: 'string' },
      upstream: { type: 'string' },
      script: { type: 'string' },
      mode: { type: 'string' },
      'statements-only': { type: 'boolean', default: false },
      bodies: { type: 'string' },
    },
  }).values;
} catch (e) {
  die(e.message);
}
if (opts.script && opts.mode) die('use --script or --mode, not both');
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die(`bad --port ${opts.port}`);

let upstream = null;
if (opts.upstream) {
  try { upstream = new URL(opts.upstream); } catch (e) { die(`bad --upstream: ${e.message}`); }
  if (upstream.protocol !== 'http:') die('--upstream must be http://');
}

// ---- actions -------------------------------------------------------------------------------------
function parseAction(line, where) {
  const words = line.trim().split(/\s+/);
  const name = words[0];
  switch (name) {
    case 'pass': case 'reset': case 'reset-mid-body': case 'garbage': case 'hang': case '200-echo':
      if (words.length !== 1) die(`${where}: ${name} takes no argument`);
      return { name };
    case 'slow': {
      const ms = Number(words[1]);
      if (words.length !== 2 || !Number.isFinite(ms) || ms < 0) die(`${where}: slow MS`);
      return { name, ms };
    }
    case 'status': {
      const code = Number(words[1]);
      if (!Number.isInteger(code) || code < 100 || code > 599) die(`${where}: status CODE`);
      const action = { name, code, retryAfter: null, body: null };
      const rest = line.trim().replace(/^status\s+\d+\s*/, '');
      const bodyAt = rest.search(/(^|\s)body=/);
      let params = rest;
      if (bodyAt >= 0) {
        params = rest.slice(0, bodyAt);
        action.body = rest.slice(bodyAt).replace(/^\s*body=/, '');
      }
      for (const p of params.split(/\s+/).filter(Boolean)) {
        const m = /^retry-after=(\S+)$/.exec(p);
        if (!m) die(`${where}: unknown status parameter ${p}`);
        action.retryAfter = m[1];
      }
      return action;
    }
    default:
      die(`${where}: unknown action ${JSON.stringify(name)}`);
  }
  return null;
}

const script = [];
if (opts.script) {
  let text;
  try { text = fs.readFileSync(opts.script, 'utf8'); } catch (e) { die(`cannot read --script: ${e.message}`); }
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') script.push(parseAction(line, `${opts.script}:${i + 1}`));
  });
}
let modeAction = null;
if (opts.mode && opts.mode !== 'fail-half') modeAction = parseAction(opts.mode, '--mode');
const defaultAction = upstream ? { name: 'pass' } : { name: '200-echo' };

let seq = 0;
let scriptPos = 0;
function nextAction(path) {
  if (opts.mode === 'fail-half') {
    return seq % 2 === 1 ? { name: 'status', code: 503, retryAfter: null, body: null } : { name: 'pass' };
  }
  if (modeAction) return modeAction;
  if (opts['statements-only'] && !/\/statements$/.test(path)) return defaultAction;
  if (scriptPos < script.length) return script[scriptPos++];
  return defaultAction;
}

// ---- logging ------------------------------------------------------------------------------------
function writeLog(entry) {
  if (!opts.log) return;
  fs.appendFileSync(opts.log, `${JSON.stringify(entry)}\n`);
}

function statementIds(body, contentType) {
  if (!body.length) return null;
  if (contentType && !/json/i.test(contentType)) return null;
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((s) => (s && typeof s === 'object' && 'id' in s ? s.id : null));
  } catch (e) {
    return null;
  }
}

// ---- answers ------------------------------------------------------------------------------------
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function echoAnswer(req, ids) {
  const path = req.url.split('?')[0];
  const headers = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };
  if (/\/about$/.test(path)) return { status: 200, headers, body: Buffer.from('{"version":["1.0.3"]}') };
  if (req.method === 'POST' && /\/statements$/.test(path)) {
    const list = (ids || []).map((id) => (typeof id === 'string' ? id : crypto.randomUUID()));
    return { status: 200, headers, body: Buffer.from(JSON.stringify(list)) };
  }
  if (req.method === 'PUT') return { status: 204, headers: { 'X-Experience-API-Version': '1.0.3' }, body: Buffer.alloc(0) };
  if (req.method === 'GET') return { status: 200, headers, body: Buffer.from('{"statements":[],"more":""}') };
  return { status: 200, headers, body: Buffer.from('{}') };
}

const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function forward(req, body) {
  return new Promise((resolve, reject) => {
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(k.toLowerCase())) headers[k] = v;
    }
    headers.host = upstream.host;
    headers['content-length'] = String(body.length);
    const up = http.request({
      host: upstream.hostname,
      port: upstream.port || 80,
      method: req.method,
      path: req.url,
      headers,
      agent: upstreamAgent,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const out = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (!HOP_BY_HOP.has(k.toLowerCase()) && k.toLowerCase() !== 'content-length') out[k] = v;
        }
        resolve({ status: res.statusCode, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

async function passAnswer(req, body, ids) {
  if (!upstream) return echoAnswer(req, ids);
  try {
    return await forward(req, body);
  } catch (e) {
    return {
      status: 502,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify({ error: `upstream: ${e.code || e.message}` })),
      error: `upstream: ${e.code || e.message}`,
    };
  }
}

function send(res, answer) {
  const headers = Object.assign({}, answer.headers, { 'Content-Length': String(answer.body.length) });
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

const MAX_BODY = 64 * 1024 * 1024;
const openSockets = new Set();

const server = http.createServer((req, res) => {
  seq += 1;
  const mySeq = seq;
  const started = Date.now();
  const path = req.url;
  const action = nextAction(path.split('?')[0]);
  const entry = {
    time: new Date(started).toISOString(),
    seq: mySeq,
    method: req.method,
    path,
    auth: req.headers.authorization !== undefined,
    bytes: null,
    ids: null,
    action: action.name === 'status' ? `status ${action.code}` : action.name === 'slow' ? `slow ${action.ms}` : action.name,
    status: null,
    ms: null,
  };
  const finish = (status, error) => {
    entry.status = status;
    entry.ms = Date.now() - started;
    if (error) entry.error = error;
    writeLog(entry);
  };

  if (action.name === 'reset') {
    // Only the headers are read: drop the connection with a TCP reset, no answer.
    finish(null);
    if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
    else req.socket.destroy();
    return;
  }

  const chunks = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) { tooBig = true; return; }
    chunks.push(c);
  });
  req.on('error', () => {});
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (opts.bodies && req.method === 'POST' && /\/statements$/.test(path.split('?')[0]))
      fs.appendFileSync(opts.bodies, `${JSON.stringify({ seq: mySeq, body: body.toString('utf8') })}\n`);
    entry.bytes = size;
    entry.ids = statementIds(body, req.headers['content-type']);
    if (tooBig) {
      send(res, { status: 413, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"error":"stub body limit"}') });
      finish(413, 'body larger than the stub accepts');
      return;
    }
    switch (action.name) {
      case 'hang':
        finish(null);
        return; // never answer
      case 'garbage': {
        const junk = Buffer.from('<html><body>502 Bad Gateway (injected garbage)</body></html>\n{not json');
        send(res, { status: 200, headers: { 'Content-Type': 'application/json' }, body: junk });
        finish(200);
        return;
      }
      case 'status': {
        const headers = { 'X-Experience-API-Version': '1.0.3' };
        if (action.retryAfter !== null) headers['Retry-After'] = action.retryAfter;
        let text = action.body;
        if (text === null) text = action.code === 204 || action.code === 304 ? '' : JSON.stringify({ error: `injected ${action.code}` });
        if (text !== '') headers['Content-Type'] = action.body === null ? 'application/json' : 'text/plain; charset=utf-8';
        send(res, { status: action.code, headers, body: Buffer.from(text) });
        finish(action.code);
        return;
      }
      case 'reset-mid-body': {
        const answer = await passAnswer(req, body, entry.ids);
        const full = answer.body.length ? answer.body : Buffer.from(JSON.stringify(entry.ids || []));
        const headers = Object.assign({}, answer.headers, { 'Content-Length': String(full.length + 16) });
        res.writeHead(answer.status, headers);
        res.write(full.subarray(0, Math.floor(full.length / 2)));
        // Let the partial body leave, then drop the connection.
        setTimeout(() => {
          finish(answer.status, answer.error || 'connection destroyed mid-body');
          req.socket.destroy();
        }, 20);
        return;
      }
      case 'slow':
        await new Promise((r) => setTimeout(r, action.ms));
        // fall through
      case 'pass': case '200-echo': {
        if (res.destroyed || req.socket.destroyed) { finish(null, 'client went away'); return; }
        const answer = action.name === '200-echo' ? echoAnswer(req, entry.ids) : await passAnswer(req, body, entry.ids);
        send(res, answer);
        finish(answer.status, answer.error);
        return;
      }
      default:
        send(res, { status: 500, headers: {}, body: Buffer.from('stub: no such action') });
        finish(500);
    }
  });
});
server.keepAliveTimeout = 30000;
server.headersTimeout = 35000;
server.requestTimeout = 0;
server.on('connection', (s) => {
  openSockets.add(s);
  s.on('close', () => openSockets.delete(s));
});
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  else socket.destroy();
});

function stop() {
  server.close();
  for (const s of openSockets) s.destroy();
  upstreamAgent.destroy();
  if (opts['port-file']) {
    try { fs.rmSync(opts['port-file'], { force: true }); } catch (e) { /* best effort */ }
  }
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (opts['port-file']) fs.rmSync(opts['port-file'], { force: true });
server.on('error', (e) => die(`cannot listen: ${e.message}`));
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  if (opts['port-file']) {
    const tmp = `${opts['port-file']}.tmp${process.pid}`;
    fs.writeFileSync(tmp, `${actual}\n`);
    fs.renameSync(tmp, opts['port-file']);
  }
  process.stdout.write(`READY http://127.0.0.1:${actual}/\n`);
});
