// Preload for the test LRS (tests/sync/lrs.mjs runs xapi-statements with `node -r` this file):
// request bodies are decoded as a whole. xapi-statements reads bodies with the npm package
// stream-to-string and with its own getStreamData, both of which decode each chunk on its own
// (`str += chunk.toString()`), so a UTF-8 character split across two TCP chunks became two
// U+FFFD and a Chinese statement was stored changed. Both are replaced here, before
// xapi-statements loads them, by readers that join the chunks' bytes first and decode once.
// With POSDRILL_LRS_CHUNKED_BODIES=1 nothing is replaced (the harness's own test shows the fault).
'use strict';
const Module = require('module');
const path = require('path');

if (process.env.POSDRILL_LRS_CHUNKED_BODIES !== '1') {
  // Collects the stream's bytes, then decodes them once (utf8 unless told otherwise).
  function wholeBody(stream, enc) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      stream.on('data', (c) => chunks.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString(typeof enc === 'string' ? enc : 'utf8')));
      stream.on('error', reject);
    });
  }
  // stream-to-string's signature: (stream[, enc][, cb]) -> Promise<string>.
  function streamToString(stream, enc, cb) {
    if (typeof enc === 'function') {
      cb = enc;
      enc = null;
    }
    const p = wholeBody(stream, enc);
    if (cb) p.then((s) => cb(null, s), cb);
    return p;
  }
  const server = require.resolve('xapi-statements/dist/server.js');
  const fromServer = { paths: [path.dirname(server)] };
  const replace = (request, exportsOf) => {
    const file = require.resolve(request, fromServer);
    require(file);  // loaded once, then its cached exports are swapped
    Module._cache[file].exports = exportsOf(Module._cache[file].exports);
  };
  replace('stream-to-string', () => streamToString);
  replace('xapi-statements/dist/expressPresenter/utils/getParts/getStreamData.js', (old) => {
    // Same trimming as the original (its "\r\ns" characters from both ends), on the whole text.
    const trimmed = (s) => s.replace(/^[\r\ns]+|[\r\ns]+$/g, '');
    return Object.assign({}, old, { default: (stream) => wholeBody(stream).then(trimmed) });
  });
}
