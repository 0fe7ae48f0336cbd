// Packs the desktop app for Linux as an unpacked folder (electron-builder's `dir` target) with a stand-in
// for the Electron binary, offline: what the installers would contain, for test/integration/packaging to
// inspect (issue 21). Needs `npm run build` first; does not build.
//
//   node scripts/pack-desktop.mjs [--out DIR]      → DIR/linux-unpacked/ (default DIR: release/stand-in)
//
// The real Electron distribution is a download from GitHub, which this machine (and CI's sandbox) cannot
// reach, so `electronDist` points at a folder holding a stand-in `electron`: a shell script that refuses to
// run, carrying Electron's fuse sentinel and a fuse wire so the afterPack hook (scripts/flip-fuses.cjs)
// flips its fuses exactly as it would on the real binary. Nothing else differs from `npm run dist`: the same
// configuration (electron-builder.config.cjs), the same files, asar and asarUnpack rules. The native modules
// are not rebuilt (npmRebuild: false in the configuration): they are N-API, see there.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`pack-desktop: ${message}\n`);
  process.exit(1);
}

/** Electron's fuse sentinel (@electron/fuses), then wire version 1 and a wire of as many fuses as Electron 45 has. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_COUNT = 9;

/** A folder shaped like an unpacked Electron zip for Linux, with a stand-in binary. */
export function standInElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script =
    '#!/bin/sh\n# Stand-in for the Electron binary, made by scripts/pack-desktop.mjs: the real one cannot be downloaded here.\necho "stand-in Electron binary: not runnable" >&2\nexit 1\n';
  // Unflipped fuses read '1' (enabled), as in a fresh Electron: the hook must turn the ones it cares about off.
  const wire = Buffer.concat([
    Buffer.from(`# ${FUSE_SENTINEL}`),
    Buffer.from([1, FUSE_COUNT]),
    Buffer.from('1'.repeat(FUSE_COUNT)),
    Buffer.from('\n'),
  ]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from(script), wire]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), require('electron/package.json').version);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in: see https://github.com/electron/electron/blob/main/LICENSE\n');
  return dir;
}

const outAt = process.argv.indexOf('--out');
const out = resolve(
  outAt !== -1 ? (process.argv[outAt + 1] ?? fail('--out needs a folder')) : join(root, 'release', 'stand-in'),
);
for (const f of ['dist/main/main.cjs', 'dist/preload/preload.cjs', 'dist/renderer/index.html', 'dist/cli/cli.cjs']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`npm run build\` first.`);
}

const electronDist = standInElectron(mkdtempSync(join(tmpdir(), 'cs-electron-stand-in-')));
const config = require(join(root, 'electron-builder.config.cjs'));
const { build, Platform } = require('electron-builder');
rmSync(out, { recursive: true, force: true });
try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    config: { ...config, electronDist, directories: { ...config.directories, output: out } },
  });
} catch (e) {
  fail(`electron-builder failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  rmSync(electronDist, { recursive: true, force: true });
}
process.stdout.write(`${join(out, 'linux-unpacked')}\n`);
