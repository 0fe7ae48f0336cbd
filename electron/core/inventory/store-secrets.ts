import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { AppError, isAppError } from '../../common/errors';
import type { Journal, JournalInput, JournalType } from '../journal/journal';
import { serviceFor, type Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import type { SecretOrigin, PendingKeychainWrite } from '../store/schema';
import type { StateStore } from '../store/state-store';
import { loadFingerprinter } from './fingerprint';

/**
 * Writes the keychain entries of one deployment as a whole or not at all (issue 4, "Bad input"). The
 * keychain has no transactions, so this is a small write-ahead protocol:
 *  1. prove the keychain is usable, read the current entries in one batch;
 *  2. copy the previous values of the affected variables to a rollback service in the keychain
 *     (`crucible-secrets/<id>/rollback-<tx>`) — nothing live has changed yet;
 *  3. record the pending write in the state (names only);
 *  4. write the new values; then run `alsoWrite` (the caller's `.env` write);
 *  5. commit: metadata + fingerprints into the state, pending record removed, rollback copies deleted.
 * A failure in 4 restores the previous values. If the keychain fails so badly that even that is
 * impossible (locked half-way), the pending record stays and {@link recoverInterruptedWrites} puts the
 * previous values back as soon as the keychain is usable again; the secrets pages refuse to show the
 * half-written deployment until then.
 */

export interface SecretsWriterDeps {
  store: StateStore;
  journal: Journal;
  keychain: () => Promise<Keychain>;
  logger: Logger;
  clock: () => Date;
  random?: (n: number) => Buffer;
}

export interface StoreSecretsInput {
  deploymentId: string;
  /** variable → new value. */
  values: Record<string, string>;
  /** For variables the state does not know yet. */
  origin: SecretOrigin;
  /** True for a rotation: generation + 1 and lastRotated = now for variables that already existed. */
  rotation?: boolean;
  /**
   * Runs once the keychain holds the new values and before anything is committed (write the `.env` here).
   * If it throws, the keychain is put back as it was and the error is rethrown.
   */
  alsoWrite?: () => Promise<void>;
  /** Journal entry type; default `secrets.stored`. */
  journalType?: JournalType;
  /** Per variable, an origin that overrides `origin` for variables the state does not know yet. */
  origins?: Readonly<Record<string, SecretOrigin>>;
  /**
   * The caller's own journal entries, appended in one batch with this write's entry, after `alsoWrite` and
   * before the commit: if the journal refuses them, the whole write is undone (the journal is part of the
   * change, not an afterthought). They are checked before anything is written.
   */
  journalEntries?: readonly JournalInput[];
  /** Undoes what `alsoWrite` did; called when a later part of the write (journal, commit) fails. */
  undoAlsoWrite?: () => Promise<void>;
}

export interface StoreSecretsResult {
  deploymentId: string;
  variables: string[];
  /** variable → fingerprint of the new value. */
  fingerprints: Record<string, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function interrupted(deploymentId: string): AppError {
  return new AppError(
    'KEYCHAIN_WRITE_INTERRUPTED',
    `The keychain stopped answering half-way through storing the secrets of ${deploymentId}. Its previous values are kept in the keychain and are put back automatically as soon as the keychain is usable again (unlock it, then retry). No .env was written.`,
  );
}

async function restore(kc: Keychain, p: PendingKeychainWrite, written: readonly string[]): Promise<void> {
  const saved = new Map((await kc.list(p.rollbackService)).map((e) => [e.account, e.value]));
  const live = serviceFor(p.deploymentId);
  for (const v of written) {
    if (p.created.includes(v)) await kc.delete(live, v);
    else {
      const old = saved.get(v);
      if (old === undefined)
        throw new AppError(
          'KEYCHAIN_ROLLBACK_MISSING',
          `The saved previous value of ${v} is missing from the keychain; restore ${p.deploymentId} from a backup.`,
        );
      await kc.set(live, v, old);
    }
  }
}

async function dropRollback(kc: Keychain, p: PendingKeychainWrite, logger: Logger): Promise<void> {
  try {
    for (const e of await kc.list(p.rollbackService)) await kc.delete(p.rollbackService, e.account);
  } catch (e) {
    logger.warn('secrets.rollback-cleanup-failed', { deploymentId: p.deploymentId, tx: p.id, error: e });
  }
}

async function removePending(store: StateStore, id: string): Promise<void> {
  await store.update((s) => {
    s.pendingKeychainWrites = s.pendingKeychainWrites.filter((p) => p.id !== id);
  });
}

/**
 * Puts back the previous values of every interrupted write (see the module comment). Safe to call at any
 * time; does nothing when there is nothing pending. Writes still running in this process are not touched.
 * @returns the ids of the deployments repaired.
 * @throws AppError KEYCHAIN_* when the keychain is still unusable (the pending records stay).
 */
export async function recoverInterruptedWrites(deps: SecretsWriterDeps, deploymentId?: string): Promise<string[]> {
  const pending = (await deps.store.read()).pendingKeychainWrites.filter(
    (p) => (deploymentId === undefined || p.deploymentId === deploymentId) && !deps.store.isWriteRunning(p.id),
  );
  if (pending.length === 0) return [];
  const kc = await deps.keychain();
  await kc.ensureUsable();
  const repaired: string[] = [];
  for (const p of pending) {
    await restore(kc, p, p.variables);
    await removePending(deps.store, p.id);
    await dropRollback(kc, p, deps.logger);
    await deps.journal.append({
      type: 'secrets.rolled-back',
      deploymentId: p.deploymentId,
      details: { variables: p.variables, reason: 'interrupted write repaired' },
    });
    deps.logger.info('secrets.recovered', { deploymentId: p.deploymentId, tx: p.id, variables: p.variables.length });
    repaired.push(p.deploymentId);
  }
  return repaired;
}

/**
 * Stores the given secrets of a deployment in the keychain, all or nothing, and records their metadata.
 * @throws AppError DEPLOYMENT_UNKNOWN; SECRETS_INVALID_NAME; KEYCHAIN_* when the keychain is unusable
 *   (nothing changed); KEYCHAIN_WRITE_INTERRUPTED when it failed half-way and could not be put back yet;
 *   whatever `alsoWrite` threw (after the keychain was put back).
 */
export async function storeSecrets(deps: SecretsWriterDeps, input: StoreSecretsInput): Promise<StoreSecretsResult> {
  const { store, logger } = deps;
  const variables = Object.keys(input.values);
  for (const v of variables) {
    if (!NAME.test(v)) throw new AppError('SECRETS_INVALID_NAME', `“${v.slice(0, 40)}” is not a valid variable name.`);
  }
  for (const value of Object.values(input.values)) logger.redactor.register(value);

  const state = await store.read();
  if (!state.deployments.some((d) => d.id === input.deploymentId)) {
    throw new AppError('DEPLOYMENT_UNKNOWN', `No deployment with the id ${input.deploymentId} is registered.`);
  }
  if (state.pendingKeychainWrites.some((p) => p.deploymentId === input.deploymentId)) {
    await recoverInterruptedWrites(deps, input.deploymentId);
  }

  const entries: JournalInput[] = [
    {
      type: input.journalType ?? 'secrets.stored',
      deploymentId: input.deploymentId,
      details: { variables, origin: input.origin, rotation: input.rotation ?? false },
    },
    ...(input.journalEntries ?? []),
  ];
  // The usual journal refusals (a symlinked journal, a secret in an entry) come while nothing has changed.
  await deps.journal.preflight(entries);

  const kc = await deps.keychain();
  await kc.ensureUsable();
  const fingerprint = await loadFingerprinter(kc, { create: true, random: deps.random });
  const live = serviceFor(input.deploymentId);
  const before = new Map((await kc.list(live)).map((e) => [e.account, e.value]));

  const tx = (deps.random ?? nodeRandomBytes)(8).toString('hex');
  const pending: PendingKeychainWrite = {
    id: tx,
    deploymentId: input.deploymentId,
    variables,
    created: variables.filter((v) => !before.has(v)),
    rollbackService: `${live}/rollback-${tx}`,
    startedAt: deps.clock().toISOString(),
  };

  const finished = store.markWriteRunning(tx);
  try {
    // 2–3: save what is there now; nothing live is touched yet, so a failure here changes nothing.
    try {
      for (const v of variables) {
        const old = before.get(v);
        if (old !== undefined) await kc.set(pending.rollbackService, v, old);
      }
      await store.update((s) => {
        s.pendingKeychainWrites.push(pending);
      });
    } catch (e) {
      await dropRollback(kc, pending, logger);
      throw e;
    }

    // 4: the live write, the caller's file, the journal, then the commit: a failure in any undoes them all.
    const now = deps.clock().toISOString();
    const fingerprints: Record<string, string> = {};
    for (const v of variables) fingerprints[v] = fingerprint(input.values[v] ?? '');
    const written: string[] = [];
    let alsoWritten = false;
    try {
      for (const v of variables) {
        written.push(v);
        await kc.set(live, v, input.values[v] ?? '');
      }
      if (input.alsoWrite) await input.alsoWrite();
      alsoWritten = true;
      await deps.journal.appendAll(entries);
      // 5: commit.
      await store.update((s) => {
        s.pendingKeychainWrites = s.pendingKeychainWrites.filter((p) => p.id !== tx);
        const metas = (s.secrets[input.deploymentId] ??= {});
        for (const v of variables) {
          const prev = metas[v];
          const fp = fingerprints[v] ?? '';
          if (!prev)
            metas[v] = {
              variable: v,
              fingerprint: fp,
              generation: 1,
              created: now,
              lastRotated: null,
              origin: input.origins?.[v] ?? input.origin,
            };
          else if (prev.fingerprint !== fp) {
            metas[v] = { ...prev, fingerprint: fp, generation: prev.generation + 1, lastRotated: now };
          }
        }
      });
    } catch (e) {
      // The caller's files first (they say what they could not put back), then the keychain.
      const filesError =
        alsoWritten && input.undoAlsoWrite
          ? await input.undoAlsoWrite().then(
              () => null,
              (u: unknown) =>
                u instanceof Error
                  ? u
                  : new AppError(
                      'SECRETS_UNDO_FAILED',
                      'A file written with these secrets could not be put back; see the log.',
                    ),
            )
          : null;
      try {
        await restore(kc, pending, written);
        await removePending(store, tx);
        await dropRollback(kc, pending, logger);
      } catch {
        logger.error('secrets.store-interrupted', {
          deploymentId: input.deploymentId,
          tx,
          written: written.length,
          error: e,
        });
        await deps.journal
          .append({
            type: 'secrets.store-failed',
            deploymentId: input.deploymentId,
            details: { variables, repaired: false },
          })
          .catch(() => undefined);
        throw interrupted(input.deploymentId);
      }
      await deps.journal
        .append({
          type: 'secrets.store-failed',
          deploymentId: input.deploymentId,
          details: { variables, repaired: filesError === null },
        })
        .catch(() => undefined);
      if (filesError !== null) throw filesError;
      if (isAppError(e) && e.code.startsWith('KEYCHAIN_')) {
        throw new AppError(e.code, `${e.message} Nothing was changed: the previous secrets are still in place.`);
      }
      throw e;
    }
    await dropRollback(kc, pending, logger);
    logger.info('secrets.stored', { deploymentId: input.deploymentId, count: variables.length });
    return { deploymentId: input.deploymentId, variables, fingerprints };
  } finally {
    finished();
  }
}
