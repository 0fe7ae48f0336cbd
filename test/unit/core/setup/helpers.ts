import { afterEach } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { createCoreServices, type CoreServices } from '../../../../electron/core/services';
import { MemoryKeychain } from '../../../../electron/core/keychain/memory-keychain';
import type { Keychain } from '../../../../electron/core/keychain/keychain';
import { setupServiceFor, type SetupWiringOptions } from '../../../../electron/core/setup/wiring';
import type { SetupService } from '../../../../electron/core/setup/setup.service';
import type { SetupProgress } from '../../../../electron/common/ipc/setup.ipc';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** A temp Crucible checkout: the stock dev + prod compose files, optionally an existing `.env` and `.gitignore`. */
export function makeFolder(options: { env?: string; gitignore?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-setup-'));
  copyFileSync(join(FIXTURES, 'compose/stock-dev/docker-compose.yml'), join(dir, 'docker-compose.yml'));
  copyFileSync(join(FIXTURES, 'compose/stock-prod/docker-compose.prod.yml'), join(dir, 'docker-compose.prod.yml'));
  if (options.env) copyFileSync(join(FIXTURES, options.env), join(dir, '.env'));
  if (options.gitignore) copyFileSync(join(FIXTURES, 'compose/stock-dev/gitignore'), join(dir, '.gitignore'));
  return dir;
}

export interface Rig {
  home: string;
  core: CoreServices;
  keychain: Keychain;
  setup: SetupService;
  logLines: string[];
  progress: SetupProgress[];
  cleanup(): void;
}

export function makeRig(options: SetupWiringOptions & { keychain?: Keychain } = {}): Rig {
  const home = mkdtempSync(join(tmpdir(), 'cs-setup-home-'));
  const sink = memorySink();
  const logger = createLogger({ sink });
  const keychain = options.keychain ?? new MemoryKeychain();
  const core = createCoreServices({ home, logger, keychain });
  const progress: SetupProgress[] = [];
  const setup = setupServiceFor(core, { ...options, emit: (p) => progress.push(p) });
  return {
    home,
    core,
    keychain,
    setup,
    logLines: sink.lines,
    progress,
    cleanup: () => {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Drives every step with good production entries; returns the draft id and the generated password. */
export async function completeDraft(
  rig: Rig,
  folder: string,
  opts: { typed?: string } = {},
): Promise<{ draftId: string; password: string }> {
  const { draftId } = rig.setup.begin();
  const chosen = await rig.setup.chooseFolder(draftId, folder);
  if (chosen.existing?.present) rig.setup.setImport(draftId, {});
  rig.setup.setEnvironment(draftId, 'production');
  const addr = rig.setup.setAddress(draftId, 'https://crucible.example.org', ['https://crucible.example.org'], true);
  if (!addr.ok) throw new Error(JSON.stringify(addr.issues));
  let password: string;
  if (opts.typed) {
    password = opts.typed;
    const r = await rig.setup.setPassword(draftId, 'typed', { password, confirmation: password });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
  } else {
    password = rig.setup.revealGeneratedPassword(draftId, false).password;
    const r = await rig.setup.setPassword(draftId, 'generated', { stored: true });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
  }
  const s = rig.setup.setSecrets(draftId, {}, []);
  if (!s.ok) throw new Error(JSON.stringify(s.issues));
  const review = await rig.setup.review(draftId);
  if (review.blockers.length) throw new Error(review.blockers.join(' '));
  return { draftId, password };
}

/** rig() and folder() for a test file: what they make is removed after each of its tests. */
export function trackedSetup() {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return {
    rig: (options?: Parameters<typeof makeRig>[0]): Rig => {
      const r = makeRig(options);
      cleanups.push(() => r.cleanup());
      return r;
    },
    folder: (options?: Parameters<typeof makeFolder>[0]): string => {
      const d = makeFolder(options);
      cleanups.push(() => rmSync(d, { recursive: true, force: true }));
      return d;
    },
  };
}

/** Every file of a folder with its mode and bytes: "unchanged" means this snapshot is equal. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir).sort())
    out[n] = `${(statSync(join(dir, n)).mode & 0o777).toString(8)}:${readFileSync(join(dir, n), 'utf8')}`;
  return out;
}

/** An in-memory keychain that remembers every service written, so a test can dump all of it. */
export class TrackingKeychain extends MemoryKeychain {
  readonly services = new Set<string>();
  override set(service: string, account: string, value: string): Promise<void> {
    this.services.add(service);
    return super.set(service, account, value);
  }
  /** Every entry except the app's own fingerprint key (created once per machine, not part of a deployment). */
  async dump(): Promise<string> {
    const out: Record<string, unknown> = {};
    for (const s of [...this.services].sort()) {
      const entries = (await this.list(s)).filter(
        (e) => !(s === 'crucible-secrets/app' && e.account === 'fingerprint-key'),
      );
      if (entries.length > 0) out[s] = entries;
    }
    return JSON.stringify(out);
  }
}
