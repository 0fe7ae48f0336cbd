import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { createLogger, fileSink, memorySink } from '../../electron/core/log/logger';
import { listChannels } from '../../electron/common/ipc';
import { KeytarKeychain } from '../../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { addDeployment } from '../../electron/core/store/deployments';
import { harnessPlatform, type HarnessPlatform } from '../harness/platform';

/**
 * Canary: a planted secret value never appears in the state file, the journal, the log, or any IPC answer
 * other than the two explicitly named channels (reveal answers with it; copy puts it on the clipboard).
 * Runs the real router, handlers and core against the real keychain (scripts/with-keyring.sh).
 */
const CANARY = 'CANARY-9d1f2e3c4b5a6978-planted';
const CANARY_ENV = 'CANARY-env-only-5e4d3c2b1a09';
const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };

let core: CoreServices;
let router: Router;
let platform: HarnessPlatform;
let home: string;
let id: string;
const sink = memorySink();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cs-canary-'));
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const fileLog = fileSink(join(home, 'logs', 'app.log'));
  const logger = createLogger({
    sink: (l) => {
      sink(l);
      fileLog(l);
    },
    level: 'debug',
  });
  core = createCoreServices({ home, logger });
  platform = harnessPlatform();
  router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: 'x', version: '0.0.0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN + '/'),
    logger,
  });
  id = `canary-${process.pid}`;
  await core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Canary',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  await core.inventory.store({
    deploymentId: id,
    values: { REDIS_PASSWORD: CANARY, ROUNDTABLE_JWT_SECRET: CANARY + '-jwt' },
    origin: 'generated',
  });
  writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='${CANARY_ENV}'\nROUNDTABLE_JWT_SECRET=${CANARY}-jwt\n`);
});

afterAll(async () => {
  const kc = await KeytarKeychain.open();
  for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
});

const call = (channel: string, payload: unknown) => router.handle(channel, payload, top);

function assertNoCanary(where: string, text: string) {
  expect(text.includes('CANARY-9d1f') || text.includes('CANARY-env'), `canary leaked into ${where}`).toBe(false);
}

describe('secret values stay out of everything but reveal and copy', () => {
  it('T-SECRETS-01: list, drift, deployments and keychain answers carry references only', async () => {
    const answers = [
      await call('cs:secrets:list', { deploymentId: id }),
      await call('cs:secrets:drift', { deploymentId: id }),
      await call('cs:deployments:list', {}),
      await call('cs:deployments:get', { id }),
      await call('cs:keychain:status', {}),
    ];
    expect(answers.every((a) => a.ok)).toBe(true);
    const drift = answers[1] as { ok: true; value: { items: Array<{ name: string; status: string }> } };
    expect(drift.value.items.find((i) => i.name === 'REDIS_PASSWORD')?.status).toBe('differs');
    for (const a of answers) assertNoCanary('an IPC answer', JSON.stringify(a));
  });

  it('T-SECRETS-02: reveal answers with the value; copy puts it on the clipboard and not in its answer', async () => {
    const revealed = await call('cs:secrets:reveal', { deploymentId: id, name: 'REDIS_PASSWORD' });
    expect(revealed).toEqual({ ok: true, value: { name: 'REDIS_PASSWORD', value: CANARY } });
    const copied = await call('cs:secrets:copy', { deploymentId: id, name: 'REDIS_PASSWORD' });
    expect(copied.ok).toBe(true);
    assertNoCanary('the copy answer', JSON.stringify(copied));
    expect(platform.clipboardText()).toBe(CANARY);
    await core.clipboardGuard.clearNow();
    expect(platform.clipboardText()).toBe('');
  });

  it('T-SECRETS-03: errors of the secrets channels never echo a value', async () => {
    const answers = [
      await call('cs:secrets:reveal', { deploymentId: id, name: 'NOT_THERE' }),
      await call('cs:secrets:reveal', { deploymentId: 'no-such-deployment', name: 'REDIS_PASSWORD' }),
      await call('cs:secrets:list', { deploymentId: id, extra: CANARY }),
      await call('cs:secrets:copy', { deploymentId: id, name: CANARY }),
    ];
    expect(answers.every((a) => !a.ok)).toBe(true);
    for (const a of answers) assertNoCanary('an IPC error', JSON.stringify(a));
  });

  it('T-SECRETS-04: no other channel of the registry answers with a value, whatever it is asked', async () => {
    for (const { def } of listChannels()) {
      if (def.channel === 'cs:secrets:reveal') continue;
      for (const payload of [{}, { deploymentId: id }, { id }]) {
        const answer = await call(def.channel, payload);
        assertNoCanary(def.channel, JSON.stringify(answer));
      }
    }
    await core.clipboardGuard.clearNow();
  });

  it('T-SECRETS-05: the state file, its backups, the journal and the log hold no value', async () => {
    const files = readdirSync(home).filter((n) => n.startsWith('state.json') || n.startsWith('journal.jsonl'));
    expect(files).toEqual(expect.arrayContaining(['state.json', 'journal.jsonl']));
    for (const f of files) assertNoCanary(f, readFileSync(join(home, f), 'utf8'));
    assertNoCanary('the log file', readFileSync(join(home, 'logs', 'app.log'), 'utf8'));
    assertNoCanary('the log lines', sink.lines.join('\n'));
    const types = (await core.journal.read({ deploymentId: id })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['secrets.stored', 'secret.revealed', 'secret.copied']));
    expect((await core.journal.verify()).ok).toBe(true);
  });

  it('T-SECRETS-06: a value logged by mistake is redacted at the sink', () => {
    core.logger.error('oops', { detail: `the value was ${CANARY}` });
    assertNoCanary('the log lines', sink.lines.join('\n'));
    expect(sink.lines.at(-1)).toContain('[REDACTED]');
  });

  it('T-SECRETS-07: a value the window was shown cannot be put on the clipboard as a "command" (no 30 s timer)', async () => {
    // A fresh process: nothing is registered with its redactor until the window asks for a value.
    const freshSink = memorySink();
    const freshLogger = createLogger({ sink: freshSink, level: 'debug' });
    const fresh = createCoreServices({ home, logger: freshLogger });
    const freshPlatform = harnessPlatform();
    const freshRouter = createRouter({
      handlers: createHandlers({
        core: fresh,
        platform: freshPlatform,
        hostInfo: { host: 'harness', name: 'x', version: '0.0.0', versions: { node: process.versions.node } },
      }),
      isTrustedUrl: (u) => u.startsWith(ORIGIN + '/'),
      logger: freshLogger,
    });
    const revealed = await freshRouter.handle(
      'cs:secrets:reveal',
      { deploymentId: id, name: 'ROUNDTABLE_JWT_SECRET' },
      top,
    );
    expect(revealed).toEqual({ ok: true, value: { name: 'ROUNDTABLE_JWT_SECRET', value: `${CANARY}-jwt` } });
    const copied = await freshRouter.handle('cs:app:copyCommand', { text: `export JWT=${CANARY}-jwt` }, top);
    expect(copied).toMatchObject({ ok: false, error: { code: 'CLIPBOARD_SECRET_REFUSED' } });
    assertNoCanary('the copyCommand answer', JSON.stringify(copied));
    expect(freshPlatform.clipboardText()).toBe('');
    assertNoCanary('the log lines', freshSink.lines.join('\n'));

    // A backup passphrase the admin typed is registered as it arrives, even when the call then fails.
    const passphrase = 'orbit walnut ferry typed backup passphrase 7c4e';
    const verify = await freshRouter.handle('cs:backup:verify', { fileId: 'no-such-file', passphrase }, top);
    expect(verify).toMatchObject({ ok: false });
    const again = await freshRouter.handle('cs:app:copyCommand', { text: `echo '${passphrase}'` }, top);
    expect(again).toMatchObject({ ok: false, error: { code: 'CLIPBOARD_SECRET_REFUSED' } });
    expect(freshPlatform.clipboardText()).toBe('');
    expect(JSON.stringify([verify, again]) + freshSink.lines.join('\n')).not.toContain(passphrase);
  });
});
