// Preloaded into the real ccb (`node --require`, through NODE_OPTIONS) to run it as on a machine without SQLite:
// libsql's per-platform binary package is missing (a platform libsql publishes none for, or an install that left
// optional dependencies out) and Node.js has no node:sqlite (as before 22.13). ccb loads SQLite with require(),
// which module.register's resolve hooks do not see on Node 20, so the refusal sits in Module._load, where a missing
// package fails too.
const Module = require('node:module');

const load = Module._load;
Module._load = function refuseSqlite(request, ...rest) {
  if (request.startsWith('@libsql/') || request === 'node:sqlite') {
    throw Object.assign(new Error(`Cannot find module '${request}' (refused by without-sqlite.cjs)`), {
      code: 'MODULE_NOT_FOUND',
    });
  }
  return load.call(this, request, ...rest);
};
