import { mkdtempSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreServices, type CoreDeps } from '../../electron/core/services';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { addDeployment } from '../../electron/core/store/deployments';
import type { Timers } from '../../electron/core/inventory/clipboard-guard';

/** Timers a test fires by hand. */
export function manualTimers(): Timers & { fire(): void; count(): number } {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    set: (fn) => {
      pending.set(next, fn);
      return next++;
    },
    clear: (h) => {
      pending.delete(h as number);
    },
    fire: () => {
      const fns = [...pending.values()];
      pending.clear();
      for (const f of fns) f();
    },
    count: () => pending.size,
  };
}

/** A core over a temp home with one registered deployment (`demo-one`) whose folder exists. */
export async function coreWithDeployment(overrides: Partial<CoreDeps> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'cs-core-'));
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const sink = memorySink();
  const timers = manualTimers();
  const core = createCoreServices({ home, logger: createLogger({ sink }), clipboardTimers: timers, ...overrides });
  const id = `demo-${randomBytes(4).toString('hex')}`;
  await core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Demo',
      folder,
      composeFiles: ['docker-compose.yml'],
      environment: 'development',
      createdAt: new Date().toISOString(),
    }),
  );
  return { core, home, folder, id, sink, timers };
}
