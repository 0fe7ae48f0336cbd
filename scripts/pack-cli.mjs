// Stages the standalone CLI package: packages/cli (manifest, README, entry) plus the built CLI (dist/cli from
// `npm run build`) and a shrinkwrap, in release/cli-package/ (generated files stay out of the source tree and
// out of lint's way). With --pack DIR it runs `npm pack` there, so DIR holds crucible-secrets-<version>.tgz
// (issue 21).
//
//   npm run build && node scripts/pack-cli.mjs --pack release/
//
// Source maps are left out (they would ship the TypeScript sources' paths and double the size) and the
// `sourceMappingURL` comments pointing at them are removed. The script refuses to stage when the package's
// version differs from the app's (the CLI prints the app's) or when the bundle loads a package at run time
// that packages/cli/package.json does not list.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = join(root, 'packages', 'cli');
const built = join(root, 'dist', 'cli');
/** docs/ files the CLI's messages cite; test/unit/cli/cli-text.test.ts checks the list covers them. */
const CLI_DOCS = ['crucible.md', 'cli.md', 'security.md', 'backup-format.md'];
const stage = join(root, 'release', 'cli-package');
const staged = join(stage, 'dist', 'cli');

function fail(message) {
  process.stderr.write(`pack-cli: ${message}\n`);
  process.exit(1);
}

/** Every file under `dir` (relative paths, `/`-separated). */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split('\\').join('/')],
  );
}

/** The bare package names a bundle file imports or requires (node: and built-in modules left out). */
function runtimeImports(text) {
  const names = new Set();
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)) {
    const spec = m[1];
    // Only what could be a package name: the pattern also meets strings inside the bundled code.
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]+)?$/.test(spec)) continue;
    if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return names;
}

const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (cli.version !== app.version)
  fail(
    `packages/cli/package.json has version ${cli.version} but the app is ${app.version}: set them equal (the CLI reports the app's version).`,
  );
if (
  !existsSync(join(built, 'cli.cjs')) ||
  !existsSync(join(built, 'commands.json')) ||
  !existsSync(join(built, 'run', 'lazy-run.mjs'))
) {
  fail('dist/cli is incomplete or missing. Run `npm run build` first.');
}

if (!existsSync(join(pkgDir, 'README.md')))
  fail('packages/cli/README.md is missing (npm shows it as the package page).');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const f of ['package.json', 'README.md', 'bin']) cpSync(join(pkgDir, f), join(stage, f), { recursive: true });
// The documents the CLI's messages cite (cli/cli-text.ts names them by their installed path).
for (const f of CLI_DOCS) cpSync(join(root, 'docs', f), join(stage, 'docs', f));
const wanted = walk(built).filter(
  (f) => f === 'cli.cjs' || f === 'commands.json' || (f.startsWith('run/') && f.endsWith('.mjs')),
);
const declared = new Set([...Object.keys(cli.dependencies ?? {}), ...Object.keys(cli.optionalDependencies ?? {})]);
// The strength check resolves these by name at run time (require.resolve through a variable, which the scan
// below cannot see), to run zxcvbn in a worker thread: core/secrets/zxcvbn-worker.ts.
const resolvedByName = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'];
const missing = new Set(resolvedByName.filter((n) => !declared.has(n)));
for (const file of wanted) {
  const to = join(staged, file);
  mkdirSync(dirname(to), { recursive: true });
  if (file.endsWith('.json')) {
    cpSync(join(built, file), to);
    continue;
  }
  const text = readFileSync(join(built, file), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  for (const name of runtimeImports(text)) if (!declared.has(name)) missing.add(name);
  writeFileSync(to, text);
}
if (missing.size > 0)
  fail(
    `the CLI bundle loads ${[...missing].join(', ')} at run time, but packages/cli/package.json does not list it. Add it to dependencies (optionalDependencies if the CLI works without it), with the version from the root package.json.`,
  );
process.stdout.write(`pack-cli: staged ${String(wanted.length)} files into ${relative(root, staged)}\n`);

/**
 * The package's npm-shrinkwrap.json, cut from the root package-lock.json: the runtime dependencies' closure
 * as the app resolved it (same versions, same integrity). npm honours a shrinkwrap inside a published
 * package, so a server installs exactly what the tests ran, and an install from the local cache
 * (`--offline`) needs no registry metadata. Entries reached only through keytar are marked optional.
 */
function shrinkwrap(lock) {
  const packages = lock.packages;
  /** Node's lookup: `name` required from the package at `from` (a lock path, '' for the root). */
  const locate = (from, name) => {
    for (let dir = from; ;) {
      const at = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
      if (packages[at]) return at;
      if (dir === '') return null;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut === -1 ? '' : dir.slice(0, cut);
    }
  };
  const closure = (names) => {
    const seen = new Set();
    const queue = names.map((n) => ['', n]);
    while (queue.length > 0) {
      const [from, name] = queue.shift();
      const at = locate(from, name);
      if (at === null) {
        if (from !== '' && packages[from].optionalDependencies?.[name] !== undefined) continue;
        fail(
          `package-lock.json has no entry for ${name} (needed by ${from || 'the CLI'}): run \`npm install\` at the root.`,
        );
      }
      if (seen.has(at)) continue;
      seen.add(at);
      const entry = packages[at];
      for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push([at, dep]);
    }
    return seen;
  };
  const required = closure(Object.keys(cli.dependencies ?? {}));
  const optional = closure(Object.keys(cli.optionalDependencies ?? {}));
  const out = {
    '': {
      name: cli.name,
      version: cli.version,
      license: cli.license,
      dependencies: cli.dependencies,
      optionalDependencies: cli.optionalDependencies,
      bin: cli.bin,
      engines: cli.engines,
    },
  };
  for (const at of [...new Set([...required, ...optional])].sort()) {
    // The root's dev/optional/peer flags describe the app's tree, not this package's.
    const entry = Object.fromEntries(
      Object.entries(packages[at]).filter(([k]) => !['dev', 'devOptional', 'optional', 'peer'].includes(k)),
    );
    // The root lock leaves `resolved` out (omit-lockfile-registry-resolved); with it here, npm fetches each
    // tarball by address and integrity without first asking the registry for the package's metadata.
    const name = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved ??= `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    out[at] = required.has(at) ? entry : { ...entry, optional: true };
  }
  return { name: cli.name, version: cli.version, lockfileVersion: 3, requires: true, packages: out };
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
writeFileSync(join(stage, 'npm-shrinkwrap.json'), `${JSON.stringify(shrinkwrap(lock), null, 2)}\n`);

const packAt = process.argv.indexOf('--pack');
if (packAt !== -1) {
  const dest = resolve(process.argv[packAt + 1] ?? join(root, 'release'));
  mkdirSync(dest, { recursive: true });
  // --ignore-scripts: the package has no build step of its own; staging above is its build.
  // Without the npm_* variables of an `npm run` around us (npm_config_local_prefix names the repository).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const r = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: stage,
    encoding: 'utf8',
    env,
  });
  if (r.error) fail(`npm could not be started (${r.error.message}). Is npm on PATH?`);
  if (r.status !== 0) fail(`npm pack failed with exit status ${String(r.status)}:\n${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout);
  process.stdout.write(`${join(dest, filename)}\n`);
}
