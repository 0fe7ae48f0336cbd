import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, isAppError } from '../../common/errors';
import type { RestoreConflict, RestoreResult, RestoreSelection } from '../../common/ipc/backup.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { serviceFor, type Keychain } from '../keychain/keychain';
import type { PendingKeychainWrite } from '../store/schema';
import { hashPassword, isBcryptHash } from '../hashing/bcrypt';
import { storedPasswordForm } from '../hashing/stored-form';
import { BackupErrorCode } from './errors';
import type { BackupDeployment, BackupPayload } from './payload';
import type { BackupDeps, RestoredDeploymentRecord } from './ports';
import { journalNames } from './journal-names';
import { restoreApplyCommand } from './apply-command';

/**
 * Restore (issue 8): show what a backup would change, compared by fingerprint with the keychain and the
 * `.env`; then apply the admin's choice all or nothing. Everything is read and checked before anything is
 * written. The keychain writes follow the inventory's write-ahead protocol (inventory/store-secrets.ts):
 * previous values copied to a rollback service and a pending record in the state first, so that even a
 * crash half-way is put back by its recovery; every live write registers an undo, and any failure
 * (keychain, `.env`, state) runs the undos in reverse order.
 */

export interface PlannedDeployment {
  id: string;
  name: string;
  registered: boolean;
  folder: string;
  folderExists: boolean;
  envFound: boolean;
  secrets: RestoreConflict[];
}

/** Deletes rollback copies (best effort: leftovers hold previous values, never new ones). */
async function dropRollbacks(kc: Keychain, services: readonly string[]): Promise<void> {
  for (const service of services) {
    try {
      for (const e of await kc.list(service)) await kc.delete(service, e.account);
    } catch {
      /* no record points at them any more: they only hold values the live entries had before */
    }
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The folder a deployment is restored into: an explicit choice, else where the state has it, else where it was. */
export function targetFolder(
  d: BackupDeployment,
  registered: DeploymentRef | undefined,
  chosen: ReadonlyMap<string, string>,
): string {
  return chosen.get(d.id) ?? registered?.folder ?? d.folder;
}

/**
 * A login password is stored (keychain and `.env`) as its bcrypt hash only. A backup written by an older
 * version may carry the plain password (its keychain then held it): it is restored as its hash, so the
 * "rewrite .env" choice never writes a plain password into `.env`.
 * @throws AppError BACKUP_RESTORE_FAILED when such a value cannot be hashed (nothing was restored).
 */
async function inStoredForm<S extends { name: string; value: string }>(
  deps: BackupDeps,
  vars: ReadonlySet<string>,
  s: S,
): Promise<S> {
  const isHash = deps.isPasswordHash ?? isBcryptHash;
  if (!vars.has(s.name) || isHash(s.value)) return s;
  deps.logger.redactor.register(s.value);
  try {
    const value = await storedPasswordForm(s.value, deps.hashPassword ?? ((p) => hashPassword(p)), isHash);
    deps.logger.redactor.register(value);
    return { ...s, value };
  } catch (e) {
    const why = isAppError(e) ? e.message : 'it could not be hashed';
    throw new AppError(
      BackupErrorCode.RestoreFailed,
      `The backup holds ${s.name} as a plain password, which is only ever stored as its bcrypt hash, and it cannot be hashed (${why.replace(/\.$/, '')}). Nothing was restored.`,
    );
  }
}

/**
 * Compares every secret of the backup with the keychain and the `.env` of its target folder.
 * @throws AppError KEYCHAIN_* when the keychain cannot be read.
 */
export async function planRestore(
  deps: BackupDeps,
  payload: BackupPayload,
  chosen: ReadonlyMap<string, string>,
): Promise<PlannedDeployment[]> {
  const kc = await deps.keychain();
  const fp = await deps.fingerprinter();
  const known = await deps.state.deployments();
  const out: PlannedDeployment[] = [];
  for (const d of payload.deployments) {
    const reg = known.find((x) => x.id === d.id);
    const folder = targetFolder(d, reg, chosen);
    const folderExists = await deps.env.folderExists(folder);
    const env = folderExists ? await deps.env.read(folder) : null;
    const current = new Map((await kc.list(serviceFor(d.id))).map((e) => [e.account, e.value]));
    for (const v of current.values()) deps.logger.redactor.register(v);
    if (env) for (const v of env.values.values()) deps.logger.redactor.register(v);
    out.push({
      id: d.id,
      name: d.name,
      registered: reg !== undefined,
      folder,
      folderExists,
      envFound: env !== null,
      secrets: d.secrets.map((s) => {
        deps.logger.redactor.register(s.value);
        const k = current.get(s.name);
        const e = env?.values.get(s.name);
        const mine = fp(s.value);
        // An equal value has the backup's fingerprint: only a differing one is fingerprinted again.
        const compare = (v: string | undefined) =>
          v === undefined
            ? { state: 'absent' as const, fingerprint: null }
            : same(v, s.value)
              ? { state: 'same' as const, fingerprint: mine }
              : { state: 'differs' as const, fingerprint: fp(v) };
        return {
          name: s.name,
          generation: s.generation,
          backupFingerprint: mine,
          keychain: compare(k),
          env: env === null ? { state: 'no-file', fingerprint: null } : compare(e),
        } satisfies RestoreConflict;
      }),
    });
  }
  return out;
}

type Work = {
  d: BackupDeployment;
  reg: DeploymentRef | undefined;
  folder: string;
  secrets: BackupDeployment['secrets'];
  rewriteEnv: boolean;
};

/**
 * What the keychain write of one deployment will change: the entries whose value differs or is absent, their
 * current values (for the undo and the rollback copies), and the write-ahead record (null when nothing changes).
 */
async function keychainStep(deps: BackupDeps, kc: Keychain, w: Work, now: string) {
  const service = serviceFor(w.d.id);
  const current = new Map((await kc.list(service)).map((e) => [e.account, e.value]));
  for (const v of current.values()) deps.logger.redactor.register(v);
  const changes = w.secrets.filter((s) => {
    const prev = current.get(s.name);
    return prev === undefined || !same(prev, s.value);
  });
  let pending: PendingKeychainWrite | null = null;
  if (changes.length > 0) {
    const tx = (deps.random ?? randomBytes)(8).toString('hex');
    pending = {
      id: tx,
      deploymentId: w.d.id,
      variables: changes.map((c) => c.name),
      created: changes.filter((c) => !current.has(c.name)).map((c) => c.name),
      rollbackService: `${service}/rollback-${tx}`,
      startedAt: now,
    };
  }
  return { w, service, current, changes, pending };
}

/**
 * Applies a restore as one unit: keychain entries, then `.env` rewrites, then one state write. Secrets not
 * selected are left as they are (the admin's answer to a conflict).
 * @throws AppError BACKUP_RESTORE_FAILED for a bad selection or folder (nothing written); the error of the
 *   failing step after everything was put back; BACKUP_RESTORE_FAILED with "rollback incomplete" when even
 *   the undo failed (the message says what to check).
 */
export async function applyRestore(
  deps: BackupDeps,
  payload: BackupPayload,
  selection: RestoreSelection['deployments'],
  chosen: ReadonlyMap<string, string>,
  onPhase?: (phase: 'apply') => void,
): Promise<RestoreResult> {
  const known = await deps.state.deployments();
  const fp = await deps.fingerprinter();
  const now = deps.clock().toISOString();
  const passwordVars = deps.passwordVariables;

  // 1. Validate the whole selection before touching anything.
  const work: Work[] = [];
  const seen = new Set<string>();
  for (const sel of selection) {
    if (seen.has(sel.deploymentId))
      throw new AppError(
        BackupErrorCode.RestoreFailed,
        `The deployment ${sel.deploymentId} was chosen twice. Nothing was restored.`,
      );
    seen.add(sel.deploymentId);
    const d = payload.deployments.find((x) => x.id === sel.deploymentId);
    if (!d)
      throw new AppError(
        BackupErrorCode.RestoreFailed,
        `The backup has no deployment ${sel.deploymentId}. Nothing was restored.`,
      );
    const byName = new Map(d.secrets.map((s) => [s.name, s]));
    const secrets = [];
    for (const n of new Set(sel.secrets)) {
      const s = byName.get(n);
      if (!s)
        throw new AppError(
          BackupErrorCode.RestoreFailed,
          `The backup has no secret ${n} for ${d.id}. Nothing was restored.`,
        );
      secrets.push(await inStoredForm(deps, passwordVars, s));
    }
    const reg = known.find((x) => x.id === d.id);
    const folder = targetFolder(d, reg, chosen);
    if (sel.rewriteEnv && !(await deps.env.folderExists(folder))) {
      throw new AppError(
        BackupErrorCode.RestoreFailed,
        `The folder ${folder} does not exist, so its .env cannot be rewritten. Choose the deployment's folder first. Nothing was restored.`,
      );
    }
    for (const s of secrets) deps.logger.redactor.register(s.value);
    work.push({ d, reg, folder, secrets, rewriteEnv: sel.rewriteEnv });
  }

  // 2. Write-ahead: first put back any write the app did not survive (an earlier restore, say); then copy the
  //    previous values of the entries about to change to a rollback service per deployment, and record the
  //    pending writes in the state (names only). Nothing live has changed yet, so a failure here changes
  //    nothing; if the app dies after this point, the inventory's recovery puts the previous values back.
  onPhase?.('apply');
  const ids = work.map((w) => w.d.id);
  await deps.recoverInterruptedWrites?.(ids).catch((e: unknown) => {
    // Still half-written (a rollback copy lost, say): this restore sets those entries anyway, and its
    // commit drops a record it fully covers. A keychain that cannot be used fails the restore below.
    deps.logger.warn('backup.recovery-failed', { deployments: ids, error: e });
  });
  const kc = await deps.keychain();
  const steps = [];
  for (const w of work) steps.push(await keychainStep(deps, kc, w, now));
  const pending = steps.flatMap((st) => (st.pending ? [st.pending] : []));
  // Recovery (the Secrets page opened meanwhile) must not undo this write while it runs.
  const finished = pending.map((p) => deps.state.markWriteRunning(p.id));
  try {
    try {
      for (const st of steps) {
        for (const c of st.changes) {
          const prev = st.current.get(c.name);
          if (st.pending && prev !== undefined) await kc.set(st.pending.rollbackService, c.name, prev);
        }
      }
      await deps.state.beginKeychainWrites(pending);
    } catch (e) {
      await dropRollbacks(
        kc,
        pending.map((p) => p.rollbackService),
      );
      deps.logger.error('backup.restore-failed', { deployments: ids, stage: 'write-ahead', error: e });
      if (isAppError(e)) throw new AppError(e.code, `${e.message} Nothing was restored.`);
      throw new AppError(BackupErrorCode.RestoreFailed, 'The restore could not begin; nothing was restored.');
    }

    // 3. Apply, recording an undo for every change; the state write commits (and drops the write-ahead records).
    const pendingIds = pending.map((p) => p.id);
    let stale: string[] = [];
    const undo: Array<() => Promise<unknown>> = [];
    const records: RestoredDeploymentRecord[] = [];
    try {
      for (const { w, service, current, changes } of steps) {
        for (const s of changes) {
          const prev = current.get(s.name);
          await kc.set(service, s.name, s.value);
          undo.push(prev === undefined ? () => kc.delete(service, s.name) : () => kc.set(service, s.name, prev));
        }
        if (w.rewriteEnv && w.secrets.length > 0) {
          const env = await deps.env.read(w.folder);
          undo.push(
            await deps.env.write(
              w.folder,
              Object.fromEntries(w.secrets.map((s) => [s.name, s.value])),
              env?.sha256 ?? null,
              w.reg?.id ?? w.d.id,
            ),
          );
        }
        records.push({
          deployment: w.reg ?? {
            id: w.d.id,
            name: w.d.name,
            folder: w.folder,
            composeFiles: w.d.composeFiles,
            environment: w.d.environment,
            createdAt: w.d.createdAt,
          },
          secrets: w.secrets.map((s) => ({
            name: s.name,
            fingerprint: fp(s.value),
            generation: s.generation,
            created: s.createdAt ?? null,
            lastRotated: s.rotatedAt ?? null,
            origin: s.origin === 'generated' ? 'generated' : 'imported',
          })),
          checklist: w.d.checklist.map((c) => ({ id: c.id, done: c.done, at: c.at, note: c.note })),
        });
      }
      // The journal is part of the restore: entries that cannot be written undo it like any other failure.
      await deps.journal.appendAll(
        work.map((w) => ({
          type: 'backup.restored',
          deploymentId: w.d.id,
          details: {
            ...journalNames(w.secrets.map((s) => s.name)),
            envRewritten: w.rewriteEnv,
            registered: w.reg === undefined,
            backupCreatedAt: payload.createdAt,
            at: now,
          },
        })),
      );
      stale = await deps.state.recordRestore(records, pendingIds);
    } catch (e) {
      let incomplete = 0;
      for (const u of undo.reverse()) {
        try {
          await u();
        } catch {
          incomplete++;
        }
      }
      // The write-ahead records go only once everything is back; the rollback copies only once they are gone.
      if (incomplete === 0) {
        const ended = await deps.state.endKeychainWrites(pendingIds).then(
          () => true,
          () => false,
        );
        if (ended)
          await dropRollbacks(
            kc,
            pending.map((p) => p.rollbackService),
          );
      }
      await deps.journal
        .append({
          type: 'backup.restore-failed',
          details: {
            deployments: ids.slice(0, 100),
            rolledBack: incomplete === 0,
            reason: isAppError(e) ? e.code : 'INTERNAL',
          },
        })
        .catch(() => undefined);
      deps.logger.error('backup.restore-failed', {
        deployments: ids,
        undone: undo.length - incomplete,
        incomplete,
        error: e,
      });
      if (incomplete > 0) {
        throw new AppError(
          BackupErrorCode.RestoreFailed,
          `The restore failed and ${incomplete} change(s) could not be undone yet. The previous keychain values are kept and are put back automatically as soon as the keychain is usable (opening the Secrets page or starting a restore does it); the previous .env is kept in the app's folder (Secrets page, or \`crucible-secrets secrets previous DIR\`). Check ${ids.join(', ')} afterwards.`,
        );
      }
      if (isAppError(e)) throw new AppError(e.code, `${e.message} The restore was rolled back; nothing was changed.`);
      throw new AppError(
        BackupErrorCode.RestoreFailed,
        'The restore failed unexpectedly and was rolled back; nothing was changed.',
      );
    }
    await dropRollbacks(kc, [...pending.map((p) => p.rollbackService), ...stale]);

    const result: RestoreResult = { deployments: [] };
    for (const w of work) {
      const names = w.secrets.map((s) => s.name);
      const envRewritten = w.rewriteEnv && names.length > 0;
      const composeFiles = w.reg?.composeFiles ?? w.d.composeFiles;
      const applyCommand = envRewritten ? restoreApplyCommand({ folder: w.folder, composeFiles }) : null;
      result.deployments.push({
        id: w.d.id,
        name: w.reg?.name ?? w.d.name,
        restored: names,
        envRewritten,
        registered: w.reg === undefined,
        applyCommand,
      });
    }
    deps.logger.info('backup.restored', {
      deployments: result.deployments.map((d) => d.id),
      secrets: result.deployments.reduce((n, d) => n + d.restored.length, 0),
    });
    return result;
  } finally {
    for (const f of finished) f();
  }
}
