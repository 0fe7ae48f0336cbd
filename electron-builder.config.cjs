// electron-builder configuration: `npm run dist`. Installers for Linux (AppImage, deb), macOS (dmg) and
// Windows (nsis), packed into an asar archive, with Electron's fuses flipped after packing.
const path = require('node:path');

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.crucible-secrets.app',
  productName: 'Crucible Secrets',
  directories: { buildResources: 'build', output: 'release' },
  asar: true,
  files: ['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'dist/cli/**', 'bin/**', 'package.json', '!**/*.map'],
  // Only native addons are unpacked (the OS loads them from a real file); they are outside the integrity check,
  // see docs/security.md. The strength worker is a bundle main reads from inside the archive (zxcvbn-worker.ts).
  asarUnpack: ['**/*.node'],
  extraMetadata: { main: 'dist/main/main.cjs' },
  linux: { target: ['AppImage', 'deb'], category: 'Utility', icon: 'build/icon.png' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false },
  // Flip the fuses on the packed binary (before signing): see scripts/flip-fuses.cjs.
  afterPack: path.join(__dirname, 'scripts', 'flip-fuses.cjs'),
};
