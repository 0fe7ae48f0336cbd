import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../electron/cli/main';
import { MemoryKeychain } from '../electron/core/keychain/memory-keychain';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { generateNewEnv } from '../electron/core/secrets';
import { createCoreServices, type CoreServices } from '../electron/core/services';
import { crucibleCeProfile } from '../electron/core/stack';
import { addDeployment } from '../electron/core/store/deployments';
import { cliIo } from '../test/helpers/cli-io';
import { bedAvailability, startBed } from '../test/live/bed';
import { interleaved, type Row } from './lib';

/**
 * Issue 15: a whole rotation over SSH beside the same rotation on this computer, on the same live test bed
 * (the real Crucible API, PostgreSQL and Redis, the docker stand-in): `rotate ROUNDTABLE_JWT_SECRET --yes`
 * (dump, stage, write .env, recreate the api — a real restart —, the service check) then `--confirm`.
 * Over SSH every command and file operation goes through one multiplexed connection to the bed's sshd on
 * loopback, so what the row shows is the cost of the SSH path itself. Needs root and the bed's tree
 * (scripts/testbed/build-tree.sh). Run: `node bench/run.mjs rotation-ssh`.
 */
export default async function rotationSshBench(): Promise<Row[]> {
  const available = bedAvailability();
  if (!available.ok)
    return [
      {
        group: 'rotation',
        name: 'rotation over SSH vs here (skipped)',
        unit: 'ms',
        stats: { median: 0, min: 0, max: 0, runs: 0 },
        note: available.reason,
      },
    ];
  const generated = await generateNewEnv(crucibleCeProfile, {
    environment: 'development',
    frontendUrl: 'http://localhost:3000',
  });
  const bed = await startBed({ envText: generated.text });
  const homes: string[] = [];
  const cores: CoreServices[] = [];
  /** A core that has the bed's deployment registered by `folder` (a path here, or its ssh:// location). */
  async function coreFor(folder: string, env: NodeJS.ProcessEnv): Promise<CoreServices> {
    const home = mkdtempSync(join(tmpdir(), 'cs-bench-rot-'));
    homes.push(home);
    const core = createCoreServices({
      home,
      logger: createLogger({ sink: nullSink }),
      keychain: new MemoryKeychain(),
      sshOptions: { sshConfigFile: bed.sshConfigFile },
      env,
    });
    await core.store.update((s) =>
      addDeployment(s, {
        id: 'bench-bed',
        name: 'bed',
        folder,
        composeFiles: ['docker-compose.yml'],
        environment: 'development',
        createdAt: new Date().toISOString(),
      }),
    );
    cores.push(core);
    return core;
  }
  try {
    const here = await coreFor(bed.folder, {
      ...process.env,
      PATH: `${join(bed.dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    });
    const there = await coreFor(bed.sshLocation, { ...process.env });
    const rotate = (core: CoreServices, location: string) => async () => {
      const t = performance.now();
      for (const argv of [
        ['rotate', location, 'ROUNDTABLE_JWT_SECRET', '--yes'],
        ['rotate', location, 'ROUNDTABLE_JWT_SECRET', '--confirm'],
      ]) {
        const { io, err } = cliIo();
        const code = await runCli(argv, io, { coreFactory: () => core });
        if (code !== 0) throw new Error(`rotate exited ${String(code)}: ${err()}`);
      }
      return performance.now() - t;
    };
    const [overSsh, local] = await interleaved(rotate(there, bed.sshLocation), rotate(here, bed.folder), {
      runs: 3,
      warmup: 1,
    });
    return [
      {
        group: 'rotation',
        name: 'rotate ROUNDTABLE_JWT_SECRET --yes + --confirm over SSH (dump, stage, .env, recreate api, service check)',
        unit: 'ms',
        stats: overSsh,
        reference: { name: 'the same rotation of the same bed from this computer', stats: local },
        note: 'target ≤ 1.5 ×; loopback sshd, one multiplexed connection per run',
      },
    ];
  } finally {
    for (const c of cores) await c.rotation.close();
    await bed.stop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
}
