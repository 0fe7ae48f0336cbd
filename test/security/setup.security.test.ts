import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { harnessPlatform, type HarnessPlatform } from '../harness/platform';
import { makeFolder } from '../unit/core/setup/helpers';

/**
 * Setup wizard security regressions, through the real router and handlers (issue 5):
 * T-SETUP-01 the renderer cannot name the folder: chooseFolder takes no path, only the dialog's answer counts;
 * T-SETUP-02 no secret value crosses IPC except the generated password on its own reveal channel, and none
 *            reaches the logs, the state file or the journal;
 * T-SETUP-03 a draft id is unguessable and unknown ids are refused.
 */
const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };
const TYPED = 'CANARY typed login passphrase 7f3e';
const PROVIDER = 'sk-or-v1-CANARYprovider9d8c7b6a5f4e3d2c';

let core: CoreServices;
let router: Router;
let platform: HarnessPlatform;
let home: string;
let folder: string;
let lines: string[];
let keychain: MemoryKeychain;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cs-setup-sec-'));
  folder = makeFolder({ env: 'setup/existing-weak/dotenv' });
  const sink = memorySink();
  lines = sink.lines;
  keychain = new MemoryKeychain();
  core = createCoreServices({ home, logger: createLogger({ sink }), keychain });
  platform = harnessPlatform();
  router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: 'x', version: '0.0.0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN),
    logger: core.logger,
  });
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

async function call(verb: string, payload: unknown): Promise<unknown> {
  const r = await router.handle(`cs:setup:${verb}`, payload, top);
  if (!r.ok) throw new Error(`${verb}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

describe('setup wizard security', () => {
  it('T-SETUP-01: chooseFolder refuses a path from the renderer and uses only the dialog answer', async () => {
    const { draftId } = (await call('begin', {})) as { draftId: string };
    const refused = await router.handle('cs:setup:chooseFolder', { draftId, folder: '/etc' }, top);
    expect(refused).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
    platform.queueFolder(folder);
    const chosen = (await call('chooseFolder', { draftId })) as { folder: { folder: string } };
    expect(chosen.folder.folder).toBe(folder);
  });

  it('T-SETUP-02: only revealGeneratedPassword carries a secret; nothing leaks to logs, state or journal', async () => {
    const responses: Array<[string, unknown]> = [];
    const rec = async (verb: string, payload: unknown) => {
      const v = await call(verb, payload);
      responses.push([verb, v]);
      return v;
    };
    const { draftId } = (await rec('begin', {})) as { draftId: string };
    platform.queueFolder(folder);
    await rec('chooseFolder', { draftId });
    await rec('setImport', { draftId, decisions: {} });
    await rec('setEnvironment', { draftId, environment: 'production' });
    await rec('setAddress', {
      draftId,
      frontendUrl: 'https://crucible.example.org',
      corsOrigins: ['https://crucible.example.org'],
      applyCorsFix: true,
    });
    const revealed = (await call('revealGeneratedPassword', { draftId, regenerate: false })) as { password: string };
    await rec('copyGeneratedPassword', { draftId });
    expect(platform.clipboardText()).toBe(revealed.password);
    await rec('setPassword', { draftId, mode: 'typed', password: TYPED, confirmation: TYPED });
    await rec('setSecrets', {
      draftId,
      providerKeys: { ROUNDTABLE_OPENROUTER_API_KEY: PROVIDER },
      clearProviderKeys: [],
    });
    await rec('summary', { draftId });
    await rec('review', { draftId });
    const result = (await rec('commit', { draftId })) as { deploymentId: string };
    const stored = await keychain.list(serviceFor(result.deploymentId));
    expect(stored.find((e) => e.account === 'ROUNDTABLE_OPENROUTER_API_KEY')?.value).toBe(PROVIDER);
    const secrets = [...stored.map((e) => e.value), TYPED, revealed.password];
    const surfaces = {
      ipc: JSON.stringify(responses),
      logs: lines.join('\n'),
      state: readFileSync(core.paths.stateFile, 'utf8'),
      journal: readFileSync(core.paths.journalFile, 'utf8'),
    };
    for (const [name, text] of Object.entries(surfaces)) {
      expect(text, name).not.toContain('CANARY');
      for (const s of secrets) expect(text.includes(s), `${name} holds a secret`).toBe(false);
    }
  });

  it('T-SETUP-03: draft ids are long random tokens and unknown ids are refused', async () => {
    const a = (await call('begin', {})) as { draftId: string };
    const b = (await call('begin', {})) as { draftId: string };
    expect(a.draftId).not.toBe(b.draftId);
    expect(Buffer.from(a.draftId, 'base64url').length).toBeGreaterThanOrEqual(18);
    const r = await router.handle('cs:setup:summary', { draftId: 'A'.repeat(24) }, top);
    expect(r).toMatchObject({ ok: false, error: { code: 'SETUP_DRAFT_UNKNOWN' } });
  });
});
