// electron-builder configuration: `npm run dist`. Installers for Linux (AppImage, deb), macOS (dmg) and
// Windows (nsis), packed into an asar archive, with Electron's fuses flipped after packing.
const path = require('node:path');

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.crucible-secrets.app',
  productName: 'Crucible Secrets',
  directories: { buildResources: 'build', output: 'release' },
  asar: true,
  // node_modules: only what the main bundle loads at run time. esbuild bundles every other dependency (React,
  // zod, yaml, zxcvbn-ts, …) into dist/, so their packages (zod's own tests among them) would be dead weight;
  // scripts/build-electron.mjs leaves keytar, argon2 and bcrypt external, which need node-gyp-build and
  // @phc/format at run time. test/integration/packaging/desktop-package.test.ts fails if anything is missing.
  // Of those, their C sources, build files and notes stay out (the binaries are prebuilt or built by `npm ci`);
  // licences stay in. Source maps last, so no pattern above brings one back.
  files: [
    'dist/main/**',
    'dist/preload/**',
    'dist/renderer/**',
    'dist/cli/**',
    'bin/**',
    'package.json',
    '!node_modules/**',
    'node_modules/{keytar,argon2,bcrypt,node-gyp-build,@phc/format}/**',
    '!node_modules/keytar/node_modules/**',
    '!node_modules/{argon2/argon2/src,argon2/argon2/include,bcrypt/src}/**',
    '!node_modules/**/*.{c,cc,cpp,h,gyp,gypi,sh,d.ts,d.cts}',
    '!node_modules/**/{Dockerfile*,Makefile,.dockerignore,.editorconfig,README.md,SECURITY.md,ISSUE_TEMPLATE.md,CHANGELOG.md,build-test.js}',
    '!**/*.map',
  ],
  // Native addons are unpacked (the OS loads them from a real file); they are outside the integrity check,
  // see docs/security.md. electron-builder's smart unpack also moves the rest of a package holding one
  // (keytar, argon2 and bcrypt, their JS included) to app.asar.unpacked. The strength worker is a bundle
  // main reads from inside the archive (zxcvbn-worker.ts).
  asarUnpack: ['**/*.node'],
  extraMetadata: { main: 'dist/main/main.cjs' },
  // No rebuild for Electron and no Electron headers downloaded: the three native modules are N-API addons
  // (keytar through node-addon-api, argon2 and bcrypt with N-API prebuilds), whose binaries load in any
  // Node or Electron of the same OS and architecture. The ones `npm ci` put in node_modules are packed as
  // they are, so build each installer on its own OS and architecture (docs/development.md).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  linux: { target: ['AppImage', 'deb'], category: 'Utility', icon: 'build/icon.png' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false },
  // Flip the fuses on the packed binary (before signing): see scripts/flip-fuses.cjs.
  afterPack: path.join(__dirname, 'scripts', 'flip-fuses.cjs'),
};
