import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { DeploymentRef } from '../../common/model/deployment';
import { writeFileAtomic } from '../fs/atomic-write';
import type { Keychain } from '../keychain/keychain';
import type { RotationCore } from './core';
import { ALTER_ROLE_FILE, DEFAULT_EXPORT_NAME, DEFAULT_SQL_NAME } from './playbooks';
import type { RotationRun } from './record';
import { alterRoleSqlFor } from './values';

/**
 * The files a rotation writes, all under the app home and never in the deployment folder (git could pick
 * them up): the per-run work folder (`rotation/<runId>`: the encryption-key playbook's export and SQL, the
 * ALTER ROLE of a POSTGRES_PASSWORD rotation), the rollback's ALTER ROLE, and database dumps (`dumps/`).
 * Every folder is 0700 and every file 0600.
 */

/** The root of the per-run work folders. */
export function workRoot(core: RotationCore): string {
  return join(core.deps.home, 'rotation');
}

/** The run's work folder (deleted when the run is confirmed or rolled back). */
export function workDir(core: RotationCore, runId: string): string {
  return join(workRoot(core), runId);
}

/** The rollback's ALTER ROLE: outlives the run (its folder goes at rollback), the admin may still have to run it by hand. */
export function rollbackAlterRoleFile(core: RotationCore, run: Pick<RotationRun, 'id'>): string {
  return join(workRoot(core), `${run.id}-rollback`, 'alter-role-previous.sql');
}

/** The database dump of a run: encrypted (age), under the app home (kept after the run; never the deployment folder). */
export function dumpFileFor(core: RotationCore, d: DeploymentRef, run: { id?: string; variable: string }): string {
  return join(core.deps.home, 'dumps', d.id, `roundtable-before-${run.variable}-${run.id ?? '<run id>'}.sql.age`);
}

/** Creates the folder of a file under the work root or the dumps folder (0700 from that root down) before it is written. */
export async function prepareFile(core: RotationCore, path: string): Promise<void> {
  const dir = dirname(path);
  for (const root of [workRoot(core), join(core.deps.home, 'dumps')]) {
    if (dir !== root && !dir.startsWith(root + sep)) continue;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Every folder from the root down is private (a dump holds every user's encrypted provider keys).
    for (let p = dir; p.length >= root.length; p = dirname(p)) await chmod(p, 0o700);
  }
}

/**
 * POSTGRES_PASSWORD: writes the ALTER ROLE (with the SCRAM verifier, never the password) into a 0600 file
 * under the app home, so the printed command runs as printed when the app does not run it itself.
 * Other playbooks: nothing.
 * @throws ROTATION_POSTGRES_USER_MISSING, ROTATION_PREVIOUS_MISSING, FS_* when the file cannot be written
 */
export async function writeAlterRoleFile(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  kc: Keychain,
  which: 'next' | 'previous',
  path: string,
): Promise<void> {
  if (run.playbook !== 'postgres-password') return;
  const sql = await alterRoleSqlFor(core, run, d, kc, which);
  await prepareFile(core, path);
  await writeFileAtomic(path, sql, { mode: 0o600, keepPrevious: false });
}

/** The ALTER ROLE file of a run in progress (the new password's verifier). */
export function alterRoleFile(core: RotationCore, runId: string): string {
  return join(workDir(core, runId), ALTER_ROLE_FILE);
}

/**
 * Deletes the files the run wrote for the encryption-key playbook (the export holds every user's provider
 * key ciphertexts; the SQL the same under the new key): the per-run folder under the app home, and the
 * in-folder defaults of runs started by an older version. Files the admin named elsewhere are theirs.
 * Never throws: a file left behind is logged.
 */
export async function dropWorkFiles(core: RotationCore, run: RotationRun, d: DeploymentRef): Promise<void> {
  const legacy = [join(d.folder, DEFAULT_EXPORT_NAME), join(d.folder, DEFAULT_SQL_NAME)];
  try {
    await rm(workDir(core, run.id), { recursive: true, force: true });
    for (const f of [run.exportFile, run.sqlFile])
      if (f !== undefined && legacy.includes(f)) await rm(f, { force: true });
  } catch (e) {
    core.deps.logger.warn('rotation.work-files-left', { id: run.id, error: e });
  }
}

/** Deletes the rollback's ALTER ROLE once the app ran it (the file for doing it by hand is not needed any more). */
export async function dropRollbackFile(core: RotationCore, run: RotationRun): Promise<void> {
  await rm(dirname(rollbackAlterRoleFile(core, run)), { recursive: true, force: true });
}
