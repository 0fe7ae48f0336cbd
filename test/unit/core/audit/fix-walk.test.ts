import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAuditService } from '../../../../electron/core/audit/audit.service';
import { FIX_KINDS, fixIds, formatFixId, parseFixId, type FixKind } from '../../../../electron/core/audit/fix-ids';
import { auditRules } from '../../../../electron/core/audit/rules';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { parseEnv } from '../../../../electron/core/envfile';
import { isBcryptHash, verifyPassword } from '../../../../electron/core/hashing';
import { createJournal } from '../../../../electron/core/journal/journal';
import { FileVault } from '../../../../electron/core/keychain/file-vault';
import { serviceFor } from '../../../../electron/core/keychain/keychain';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { createStateStore } from '../../../../electron/core/store/state-store';
import type { Environment } from '../../../../electron/common/model/deployment';
import { secretVariablesFrom } from '../../../../electron/core/audit/secret-variables';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/compose', import.meta.url));
const sets = secretVariablesFrom(crucibleCeProfile.variables);
const key = randomBytes(32);

/** A fixture deployment in a temp folder (`dotenv` → `.env` 0600, `gitignore` → `.gitignore`), as helpers.ts does. */
function materialise(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cs-fixwalk-${name}-`));
  for (const f of readdirSync(join(FIXTURES, name))) {
    if (f === 'expected.json') continue;
    const dest = f === 'dotenv' ? '.env' : f === 'gitignore' ? '.gitignore' : f;
    copyFileSync(join(FIXTURES, name, f), join(dir, dest));
    if (dest === '.env') chmodSync(join(dir, dest), 0o600);
  }
  return dir;
}

/**
 * Issue 22 item 4: every fix id any rule emits resolves and applies. Each world below is a fixture deployment
 * made to trigger every finding that carries a fix; the walk previews and applies whatever the audit offers,
 * re-audits after each fix, and expects that finding gone, until nothing fixable is left.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const PLAIN = 'CANARYplainPw$word9x';
const ID = 'walk';

interface World {
  name: string;
  fixture: string;
  environment: Environment;
  composeFiles: string[];
  /** Break the fixture's files further (plain password, modes, .gitignore). */
  spoil?: (folder: string) => void;
}

function spoilFiles(folder: string): void {
  const env = join(folder, '.env');
  const text = readFileSync(env, 'utf8').replace(
    /^ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=.*$/m,
    `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=${PLAIN}`,
  );
  writeFileSync(
    env,
    text.includes('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=')
      ? text
      : `${text}ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=${PLAIN}\n`,
  );
  chmodSync(env, 0o644);
  writeFileSync(join(folder, '.env.bak-20261101T000000Z'), 'OLD=1\n', { mode: 0o644 });
  chmodSync(join(folder, '.env.bak-20261101T000000Z'), 0o644);
  rmSync(join(folder, '.gitignore'), { force: true });
}

const WORLDS: World[] = [
  {
    name: 'stock dev, files spoiled',
    fixture: 'stock-dev',
    environment: 'development',
    composeFiles: [],
    spoil: spoilFiles,
  },
  {
    name: 'stock prod, files spoiled',
    fixture: 'stock-prod',
    environment: 'production',
    composeFiles: ['docker-compose.prod.yml'],
    spoil: spoilFiles,
  },
  // A proxy in front, but the api and frontend still published on every interface (PROXY_BYPASSABLE).
  {
    name: 'stock prod behind a proxy',
    fixture: 'stock-prod',
    environment: 'production',
    composeFiles: ['docker-compose.prod.yml'],
    spoil: (f) =>
      writeFileSync(
        join(f, 'Caddyfile'),
        'crucible.example.org {\n  header Strict-Transport-Security "max-age=31536000"\n  reverse_proxy 127.0.0.1:8000\n}\n',
      ),
  },
  { name: 'override file', fixture: 'override', environment: 'development', composeFiles: [] },
  { name: 'every ports syntax', fixture: 'ports-all-syntaxes', environment: 'development', composeFiles: [] },
  { name: 'hard-coded secrets', fixture: 'hardcoded-secrets', environment: 'development', composeFiles: [] },
];

async function setUp(w: World) {
  const home = mkdtempSync(join(tmpdir(), 'cs-fixwalk-home-'));
  const folder = materialise(w.fixture);
  w.spoil?.(folder);
  const lines: string[] = [];
  const logger = createLogger({
    sink: (l) => {
      memorySink()(l);
      lines.push(l);
    },
  });
  const store = createStateStore({ file: join(home, 'state.json'), logger, clock: () => NOW });
  const journal = createJournal({ file: join(home, 'journal.jsonl'), clock: () => NOW, redactor: logger.redactor });
  await store.update((d) => {
    d.deployments.push({
      id: ID,
      name: 'Walk',
      folder,
      composeFiles: w.composeFiles,
      environment: w.environment,
      createdAt: NOW.toISOString(),
    });
  });
  const vault = await FileVault.create(join(home, 'vault.cskv'), 'walk the fixes passphrase', {
    kdf: { memoryKiB: 1024, iterations: 1, parallelism: 1 },
  });
  await vault.set(serviceFor(ID), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', PLAIN);
  const previous = join(home, 'previous', ID);
  let t = NOW.getTime();
  const svc = createAuditService({
    store,
    journal,
    logger,
    clock: () => new Date((t += 1000)),
    gitBinary: null,
    profile: crucibleCeProfile,
    keychain: () => Promise.resolve(vault),
    previousFolder: () => previous,
  });
  return { svc, folder, vault, previous, journal, lines };
}

describe('every fix the audit offers resolves and applies', () => {
  const applied = new Set<FixKind>();
  const fixingRules = new Set<string>();

  it.each(WORLDS)('$name: preview, apply and re-audit until nothing fixable is left', async (w) => {
    const { svc, folder, vault, previous, journal, lines } = await setUp(w);
    for (const r of auditRules) {
      // Which rules offer a fix here (each rule on its own, as the walk below only sees the merged report).
      const ctx = await buildAuditContext(
        { id: ID, name: 'Walk', folder, composeFiles: w.composeFiles, environment: w.environment },
        {
          fingerprintKey: key,
          secretVariables: sets.secret,
          requiredVariables: sets.required,
          profile: crucibleCeProfile,
          others: [],
          gitBinary: null,
        },
      );
      if (r.run(ctx).some((f) => f.fixId !== undefined)) fixingRules.add(r.code);
    }
    let audit = await svc.run(ID);
    const done: string[] = [];
    for (let round = 0; round < 40; round++) {
      const f = audit.findings.find((x) => x.fixId !== undefined);
      if (!f?.fixId) break;
      const fixId = f.fixId;
      const parsed = parseFixId(fixId);
      expect(parsed, `${f.code} offers ${fixId}, which the fix engine does not know`).not.toBeNull();
      const preview = await svc.previewFix(ID, fixId);
      expect(preview.diff).not.toContain(PLAIN);
      expect(preview.diff).not.toContain('CANARY');
      const { audit: fresh } = await svc.applyFix(ID, fixId, preview.token);
      expect(
        fresh.findings.filter((x) => x.fixId === fixId),
        `${fixId} still offered after applying it`,
      ).toEqual([]);
      expect(
        fresh.findings.filter(
          (x) =>
            x.code === f.code &&
            x.file === f.file &&
            x.line === f.line &&
            x.service === f.service &&
            x.variable === f.variable,
        ),
      ).toEqual([]);
      if (parsed) applied.add(parsed.kind);
      done.push(fixId);
      audit = fresh;
    }
    expect(audit.findings.filter((x) => x.fixId !== undefined)).toEqual([]);
    expect(done.length).toBeGreaterThan(0);
    expect(new Set(done).size).toBe(done.length);

    if (w.spoil === spoilFiles) {
      const doc = parseEnv(readFileSync(join(folder, '.env'), 'utf8'));
      const hash = doc.entries.find((e) => e.key === 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD');
      expect(hash?.quote).toBe('single');
      expect(isBcryptHash(hash?.value ?? '')).toBe(true);
      expect(hash?.pythonValue).toBe(hash?.value);
      expect(await verifyPassword(PLAIN, hash?.value ?? '')).toBe(true);
      // The keychain holds what .env holds (hashing/stored-form.ts): it followed the hash.
      expect(await vault.get(serviceFor(ID), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(hash?.value);
      expect(statSync(join(folder, '.env')).mode & 0o777).toBe(0o600);
      // The previous .env is kept in the app home, not beside .env.
      expect(readdirSync(previous).some((n) => n.startsWith('.env'))).toBe(true);
      expect(
        readdirSync(folder).filter((n) => n.startsWith('.env') && n !== '.env' && n !== '.env.bak-20261101T000000Z'),
      ).toEqual([]);
      expect(
        done.some((d) => d.startsWith('env-single-quote:')) &&
          done.some((d) => d.startsWith('env-hash-login-password:')),
      ).toBe(true);
    }
    const journalText = JSON.stringify(await journal.read());
    expect(journalText).not.toContain('CANARY');
    expect(lines.join('\n')).not.toContain('CANARY');
  });

  it('walked every kind of fix and every rule that offers one', () => {
    expect([...applied].sort()).toEqual([...FIX_KINDS].sort());
    // A rule that builds a fix id (directly) must have been made to offer it by one of the worlds above.
    const builders = auditRules.filter((r) => r.run.toString().includes('fixIds')).map((r) => r.code);
    expect(builders.length).toBeGreaterThan(0);
    expect(builders.filter((c) => !fixingRules.has(c))).toEqual([]);
  });
});

describe('fix ids', () => {
  it('every kind formats and parses back to itself', () => {
    const samples = [
      fixIds.bindLoopback('docker-compose.yml', 'api', 0),
      fixIds.envReference('docker-compose.prod.yml', 'api', 'ROUNDTABLE_CORS_ORIGINS'),
      fixIds.gitignoreEnv(),
      fixIds.chmod600('.env'),
      fixIds.hashLoginPassword('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD'),
      fixIds.singleQuote('SOME_VALUE'),
      fixIds.mountReadOnly('docker-compose.yml', 'api', 2),
    ];
    expect(samples.map((s) => parseFixId(s)?.kind).sort()).toEqual([...FIX_KINDS].sort());
    for (const s of samples) expect(formatFixId(parseFixId(s)!)).toBe(s);
  });

  it('refuses ids the app does not make, including the old dotted ones', () => {
    for (const bad of [
      'env.hash-login-password',
      'env.single-quote',
      'env-single-quote:',
      'env-single-quote:A B',
      'bind-loopback:f:s:-1',
      'bind-loopback:f:s:',
      'chmod-600',
      'nope:x',
    ])
      expect(parseFixId(bad)).toBeNull();
  });

  it('rules and check-env build fix ids only through the shared table', () => {
    const root = fileURLToPath(new URL('../../../../electron/core/', import.meta.url));
    const files = [
      ...readdirSync(join(root, 'audit/rules')).map((f) => join(root, 'audit/rules', f)),
      join(root, 'validation/check-env.ts'),
      join(root, 'proxy/audit-rules.ts'),
    ];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      expect(src, f).not.toMatch(/fixId:\s*['"`]/);
    }
  });
});
