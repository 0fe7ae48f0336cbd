import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { harnessPlatform, type HarnessPlatform } from '../harness/platform';

/**
 * Regressions of the second review:
 * T-REVIEW-11 the setup wizard's CORS diff (FolderView.corsFix, ReviewView.compose) withholds secrets on its
 *             context lines (the api's environment block), whether hard-coded literals or `.env` values;
 * T-REVIEW-12 the front door's compose preview (cs:proxy:composePreview) does the same;
 * T-REVIEW-13 so does the CLI's `proxy --compose-diff` (text and JSON);
 * T-REVIEW-14 a checklist tick's note holding a secret (keychain, `.env`, a URL password) is refused and
 *             stored nowhere; a note without one is kept.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/review/literal-secrets/', import.meta.url));
const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };

let home: string;
let folder: string;
let core: CoreServices;
let router: Router;
let platform: HarnessPlatform;
let keychain: MemoryKeychain;
let logLines: string[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cs-review1-home-'));
  folder = mkdtempSync(join(tmpdir(), 'cs-review1-dep-'));
  copyFileSync(join(FIXTURES, 'docker-compose.yml'), join(folder, 'docker-compose.yml'));
  copyFileSync(join(FIXTURES, 'dotenv'), join(folder, '.env'));
  const sink = memorySink();
  logLines = sink.lines;
  keychain = new MemoryKeychain();
  core = createCoreServices({ home, logger: createLogger({ sink }), keychain, env: {} });
  platform = harnessPlatform();
  router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: 'x', version: '0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN),
    logger: core.logger,
  });
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

async function call(channel: string, payload: unknown): Promise<unknown> {
  const r = await router.handle(channel, payload, top);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** Every diff in an answer, so the test also proves that a diff was shown at all. */
function diffsOf(value: unknown): string[] {
  const out: string[] = [];
  JSON.stringify(value, (k, v: unknown) => {
    if (k === 'diff' && typeof v === 'string') out.push(v);
    return v;
  });
  return out;
}

describe('second review: compose diffs and typed notes hold no secret', () => {
  it('T-REVIEW-11: the setup CORS diff shown at the folder step and at the review withholds secrets beside the CORS line', async () => {
    const { draftId } = (await call('cs:setup:begin', {})) as { draftId: string };
    platform.queueFolder(folder);
    const chosen = await call('cs:setup:chooseFolder', { draftId });
    await call('cs:setup:setImport', { draftId, decisions: {} });
    await call('cs:setup:setEnvironment', { draftId, environment: 'production' });
    await call('cs:setup:setAddress', {
      draftId,
      frontendUrl: 'https://crucible.example.org',
      corsOrigins: ['https://crucible.example.org'],
      applyCorsFix: true,
    });
    await call('cs:setup:setPassword', {
      draftId,
      mode: 'typed',
      password: 'violet tractor sings under seven moons',
      confirmation: 'violet tractor sings under seven moons',
    });
    await call('cs:setup:setSecrets', { draftId, providerKeys: {}, clearProviderKeys: [] });
    const review = await call('cs:setup:review', { draftId });
    const diffs = [...diffsOf(chosen), ...diffsOf(review)];
    expect(diffs.length).toBe(2);
    for (const d of diffs) {
      expect(d).toContain('+      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS');
      // The names stay visible so the admin sees what is hard-coded; the values do not.
      expect(d).toContain('ROUNDTABLE_JWT_REFRESH_SECRET=[value withheld]');
      expect(d).toContain('postgresql+asyncpg://crucible:[value withheld]@postgres');
      expect(d).not.toContain('CANARY');
    }
    expect(JSON.stringify([chosen, review, logLines])).not.toContain('CANARY');
  });

  it('T-REVIEW-12: the front door compose preview withholds the same secrets', async () => {
    platform.queueFolder(folder);
    const picked = (await call('cs:proxy:pickFolder', {})) as { id: string };
    const preview = await call('cs:proxy:composePreview', {
      address: { domain: 'crucible.example.com' },
      folderId: picked.id,
    });
    const diffs = diffsOf(preview);
    expect(diffs.length).toBe(1);
    expect(diffs[0]).toContain('ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:-https://crucible.example.com}');
    expect(diffs[0]).toContain('[line withheld: it contains a secret value]'); // the .env's REDIS_PASSWORD under another name
    expect(JSON.stringify([preview, logLines])).not.toContain('CANARY');
  });

  it('T-REVIEW-13: `proxy --compose-diff` prints no secret, as text or JSON', async () => {
    for (const extra of [[], ['--json']]) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await runCli(
        ['proxy', folder, '--server', 'nginx', '--domain', 'crucible.example.com', '--compose-diff', ...extra],
        { stdout, stderr, stdin: new PassThrough(), env: {} },
        { coreFactory: () => core },
      );
      expect(code).toBe(0);
      expect(out).toContain('ROUNDTABLE_CORS_ORIGINS');
      expect(out).toContain('[value withheld]');
      expect(out).not.toContain('CANARY');
    }
  });

  it('T-REVIEW-14: a checklist note holding a secret is refused and stored nowhere; a plain note is kept', async () => {
    const id = 'review-checklist';
    await core.store.update((s) => {
      s.deployments.push({
        id,
        name: 'Review',
        folder,
        composeFiles: [],
        environment: 'production',
        createdAt: new Date().toISOString(),
      });
    });
    await keychain.set(serviceFor(id), 'ROUNDTABLE_JWT_SECRET', 'CANARYkeychainJwt0a9b8c7d6e5f');
    const notes = [
      'rotated, old value was CANARYkeychainJwt0a9b8c7d6e5f', // a keychain value
      'the redis password is CANARYredisFromDotEnv6Hh', // a .env value
      'backup at sftp://admin:CANARYurlPassword77@backup.example.org/', // a password inside a URL
    ];
    for (const note of notes) {
      const r = await router.handle(
        'cs:audit:tick',
        { deploymentId: id, itemId: 'env-backed-up', done: true, note },
        top,
      );
      expect(r).toMatchObject({ ok: false, error: { code: 'CHECKLIST_NOTE_HAS_SECRET' } });
      expect(JSON.stringify(r)).not.toContain('CANARY');
    }
    const ok = await call('cs:audit:tick', {
      deploymentId: id,
      itemId: 'env-backed-up',
      done: true,
      note: 'Encrypted backup stored offsite on 2026-11-30',
    });
    expect(JSON.stringify(ok)).toContain('Encrypted backup stored offsite');
    const report = await call('cs:audit:report', { deploymentId: id, format: 'markdown' }).catch(() => null);
    const surfaces = [
      readFileSync(core.paths.stateFile, 'utf8'),
      readFileSync(core.paths.journalFile, 'utf8'),
      logLines.join('\n'),
      JSON.stringify(report),
    ];
    for (const s of surfaces) expect(s).not.toContain('CANARY');
    expect(readFileSync(core.paths.stateFile, 'utf8')).toContain('Encrypted backup stored offsite');
  });
});
