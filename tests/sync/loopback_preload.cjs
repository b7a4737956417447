// Preload for a node program that must listen on loopback only (used by tests/sync/lrs.mjs to run
// xapi-statements, which otherwise listens on all interfaces):
//   node -r ./loopback_preload.cjs program.js
// Every TCP listen() is forced onto 127.0.0.1. When the process has an IPC channel (spawned with
// 'ipc' in stdio), it reports {posdrillListening: PORT} for each server that starts listening, and
// exits when the parent disconnects, so an LRS never outlives the test that started it (removing
// the folder named by $POSDRILL_REMOVE_ON_DISCONNECT first, if set).
'use strict';
const net = require('net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPortLike(v) {
  return v === undefined || v === null || typeof v === 'number' ||
    (typeof v === 'string' && /^\d+$/.test(v));
}

net.Server.prototype.listen = function patchedListen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first) &&
      (first.port !== undefined || first.path === undefined) && first.fd === undefined &&
      first._handle === undefined && first.handle === undefined) {
    // listen({port, host, ...}, cb)
    args[0] = Object.assign({}, first, { host: LOOPBACK });
  } else if (isPortLike(first) && typeof first !== 'function') {
    // listen(port[, host][, backlog][, cb]) -> listen(port, LOOPBACK[, backlog][, cb])
    const rest = args.slice(1);
    if (typeof rest[0] === 'string') rest.shift();
    args = [first === undefined || first === null ? 0 : Number(first), LOOPBACK, ...rest];
  } else if (typeof first === 'function' || args.length === 0) {
    // listen(cb) or listen(): a random port
    args = [0, LOOPBACK, ...args];
  }
  // A listen error with nobody else listening for it (e.g. EADDRINUSE): fail fast instead of
  // leaving a process that some logger keeps alive after the "uncaught" exception.
  const onListenError = (err) => {
    if (this.listenerCount('error') > 0) return;
    if (typeof process.send === 'function' && process.connected) {
      try { process.send({ posdrillListenError: String(err && err.message) }); } catch (e) { /* parent gone */ }
    }
    process.stderr.write(`loopback_preload: listen failed: ${err && err.message}\n`);
    process.exit(1);
  };
  this.once('error', onListenError);
  this.once('listening', () => this.removeListener('error', onListenError));
  if (typeof process.send === 'function') {
    this.once('listening', () => {
      const addr = this.address();
      if (addr && typeof addr === 'object' && process.connected) {
        try { process.send({ posdrillListening: addr.port, address: addr.address }); } catch (e) { /* parent gone */ }
      }
    });
  }
  return originalListen.apply(this, args);
};

if (typeof process.send === 'function') {
  process.on('disconnect', () => {
    // The parent is gone without stopping us (e.g. SIGKILL): remove the work dir it named, exit.
    const dir = process.env.POSDRILL_REMOVE_ON_DISCONNECT;
    if (dir) {
      try { require('fs').rmSync(dir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
    }
    process.exit(0);
  });
}
