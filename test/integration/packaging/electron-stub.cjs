// A stand-in for the `electron` module, for loading the packaged main bundle under plain Node
// (desktop-package.test.ts): every property is a callable, constructible stub; app.whenReady() resolves;
// app.getPath() answers a folder of the test's; what the bundle constructs and registers is recorded and
// written to $CS_STUB_REPORT when the process exits.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const events = [];
const home = process.env.CS_STUB_HOME;

const APP = {
  whenReady: () => Promise.resolve(),
  getPath: (name) => `${home}/${String(name)}`,
  getVersion: () => '0.0.0-stub',
  getName: () => 'crucible-secrets',
  getLocale: () => 'en-US',
  requestSingleInstanceLock: () => true,
};

function stub(path) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable: `await stub` must not hang
      if (key === Symbol.toPrimitive) return () => `[stub ${path}]`;
      if (typeof key === 'symbol') return undefined;
      const answer = path === 'electron.app' ? APP[key] : undefined;
      if (answer !== undefined) {
        return (...args) => {
          events.push({ call: `${path}.${key}`, args });
          return answer(...args);
        };
      }
      return stub(`${path}.${key}`);
    },
    apply(_t, _this, args) {
      // Kept so the test can ask the packaged app for its own pages (app://crucible/…).
      if (path === 'electron.protocol.handle') globalThis.csProtocolHandler = args[1];
      events.push({ call: path, args: args.map((a) => (typeof a === 'function' ? '[function]' : a)) });
      return stub(`${path}()`);
    },
    construct(_t, args) {
      events.push({ construct: path, args });
      return stub(`new ${path}`);
    },
  });
}

const electron = stub('electron');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest);
};
require.cache.electron = { id: 'electron', filename: 'electron', loaded: true, exports: electron };

process.on('exit', () => {
  const safe = JSON.stringify(events, (_k, v) => (typeof v === 'function' ? '[stub]' : v));
  fs.writeFileSync(process.env.CS_STUB_REPORT, safe);
});
