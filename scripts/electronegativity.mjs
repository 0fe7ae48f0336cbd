// Runs @doyensec/electronegativity over electron/ (or --input DIR) and fails only on findings that are not
// listed, with a reason, in scripts/electronegativity-accepted.json. Offline: the check that downloads
// Electron's release list is excluded (the pinned Electron version is given with -e), and the tool's
// translation download failing is harmless. Exit 0: no unexplained finding; 1: findings; 2: the tool failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const input = args.includes('--input') ? (args[args.indexOf('--input') + 1] ?? 'electron') : 'electron';
const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = pkg.devDependencies.electron;
const accepted = JSON.parse(readFileSync(join(root, 'scripts', 'electronegativity-accepted.json'), 'utf8')).accepted;

const work = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const sarif = join(work, 'findings.sarif');
const bin = join(root, 'node_modules', '.bin', 'electronegativity');
const run = spawnSync(
  bin,
  ['-i', input, '-e', electronVersion, '-r', '-v', 'false', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', sarif],
  { cwd: root, encoding: 'utf8', timeout: 120_000 },
);
let text;
try {
  text = readFileSync(sarif, 'utf8');
} catch {
  text = null;
}
rmSync(work, { recursive: true, force: true });
if (run.error || run.status !== 0 || text === null) {
  console.error(
    `electronegativity did not run (${run.error ? run.error.message : `exit ${run.status}`}); no findings file was written.`,
  );
  console.error((run.stderr || run.stdout || '').split('\n').slice(-5).join('\n'));
  process.exit(2);
}

// SARIF, not CSV: the tool writes the CSV header and body with two racing async writes (the header can land
// last and cut the body). SARIF has no code sample, so the flagged line is read from the source.
const sourceLine = (file, line) => {
  try {
    return readFileSync(resolve(root, input, file), 'utf8').split('\n')[line - 1] ?? '';
  } catch {
    return '';
  }
};
const findings = JSON.parse(text).runs[0].results.map((r) => {
  const loc = r.locations?.[0]?.physicalLocation;
  const uri = loc?.artifactLocation?.uri ?? 'file:///';
  const file = uri === 'file:///' ? 'N/A' : uri;
  const line = loc?.region?.startLine ?? 0;
  return { check: r.ruleId, file, line, sample: file === 'N/A' ? '' : sourceLine(file, line).trim() };
});
const used = new Set();
const real = findings.filter((f) => {
  const i = accepted.findIndex(
    (a) => a.check === f.check && a.file === f.file && (a.sample === undefined || (f.sample ?? '').includes(a.sample)),
  );
  if (i >= 0) used.add(i);
  return i < 0;
});
accepted.forEach((a, i) => {
  if (!used.has(i))
    console.log(
      `note: the accepted ${a.check} in ${a.file} matched nothing; remove it from scripts/electronegativity-accepted.json`,
    );
});
console.log(
  `electronegativity over ${input}: ${findings.length} finding(s), ${findings.length - real.length} known false positive(s) (scripts/electronegativity-accepted.json), ${real.length} to fix.`,
);
for (const f of real) console.log(`  ${f.check} ${f.file}:${String(f.line)}  ${f.sample.slice(0, 160)}`);
process.exit(real.length > 0 ? 1 : 0);
