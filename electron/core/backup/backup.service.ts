import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import type {
  BackupFileInfo,
  BackupStatus,
  BackupSummary,
  ExportResult,
  RestorePlan,
  RestoreResult,
  RestoreSelection,
} from '../../common/ipc/backup.ipc';
import { writeFileAtomic, type AtomicWriteResult } from '../fs/atomic-write';
import { readBoundedFile } from '../fs/read-bounded';
import { assertWritableTargets, undoAtomicWrite } from '../fs/write-set';
import { inspectBackup, openBackup, sealBackup, type SealOptions } from './container';
import { BackupErrorCode } from './errors';
import { gatherPayload } from './export';
import { backupFileName, recoverySheetName } from './file-name';
import { backupFingerprint, HEADER_LENGTH_V1, MAX_CIPHERTEXT_LENGTH, TAG_LENGTH, type KdfParams } from './format';
import {
  assertExportPassphrase,
  assertSameEntries,
  createPassphraseChecker,
  type PassphraseChecker,
} from './passphrase';
import type { BackupPayload } from './payload';
import type { BackupDeps, Fingerprinter } from './ports';
import { progressReporter, type ProgressListener } from './progress';
import { recoverySheetHtml } from './recovery-sheet';
import { applyRestore, planRestore } from './restore';
import { summarise } from './summary';
import { journalNames } from './journal-names';
import { BACKUP_EXPORTED, newestBackups } from './freshness';

/**
 * The backup service: export, verify, restore and the recovery sheet, as the IPC handlers and the CLI use
 * them. Files are referred to by ids handed out here (the renderer never names a path). A restore session
 * keeps the decrypted payload in main's memory only between plan and apply, at most 10 minutes, so the
 * passphrase is typed once.
 */

export interface BackupServiceOptions {
  /** Tests only: cheaper KDF parameters (with `weakKdfForTests`). */
  kdf?: KdfParams;
  weakKdfForTests?: boolean;
  sessionTtlMs?: number;
  /** The strength checker; by default one with its own zxcvbn worker, started on the first export. */
  passphraseChecker?: PassphraseChecker;
  /** Tests only: the export's KDF (container.ts SealOptions.deriveKeys). */
  deriveKeys?: SealOptions['deriveKeys'];
}

interface Session {
  payload: BackupPayload;
  summary: BackupSummary;
  folders: Map<string, string>;
  /** The ports with a fingerprinter that remembers, for this session, what it already computed. */
  deps: BackupDeps;
  expiresAt: number;
}

export interface BackupService {
  status(): Promise<BackupStatus>;
  defaultFileName(deploymentIds: readonly string[]): string;
  /** The passphrase rules, checked before asking where to save. @throws AppError BACKUP_WEAK_PASSPHRASE, BACKUP_PASSPHRASE_MISMATCH */
  checkExportPassphrase(passphrase: string, confirmation: string, deploymentIds: readonly string[]): Promise<void>;
  /**
   * Writes the backup and, with `extra.sheet`, its recovery sheet: all or nothing (both targets are checked
   * before anything is written; a failed sheet or journal write removes the backup written just before).
   * @throws AppError BACKUP_WEAK_PASSPHRASE, BACKUP_PASSPHRASE_MISMATCH, BACKUP_NOT_FOUND, KEYCHAIN_*, FS_*
   */
  exportTo(
    target: string,
    deploymentIds: readonly string[],
    passphrase: string,
    confirmation: string,
    onProgress?: ProgressListener,
    extra?: { sheet?: string },
  ): Promise<ExportResult>;
  recoverySheet(exportId: string): { html: string; fileName: string; backupPath: string };
  /** Writes the recovery sheet (0600, atomic). @throws AppError BACKUP_NOT_FOUND, FS_* */
  writeRecoverySheet(exportId: string, target: string): Promise<void>;
  /** Reads a file and checks its structure (no passphrase). @throws AppError BACKUP_CORRUPTED … */
  registerFile(path: string): Promise<BackupFileInfo>;
  verify(fileId: string, passphrase: string, onProgress?: ProgressListener): Promise<BackupSummary>;
  planRestore(fileId: string, passphrase: string, onProgress?: ProgressListener): Promise<RestorePlan>;
  setFolder(sessionId: string, deploymentId: string, folder: string): Promise<RestorePlan>;
  /** The plan of an open session, recomputed (the keychain or .env may have changed). */
  currentPlan(sessionId: string): Promise<RestorePlan>;
  applyRestore(selection: RestoreSelection, onProgress?: ProgressListener): Promise<RestoreResult>;
  cancel(sessionId: string): boolean;
}

const MAX_FILE = HEADER_LENGTH_V1 + MAX_CIPHERTEXT_LENGTH + TAG_LENGTH;

export function createBackupService(deps: BackupDeps, options: BackupServiceOptions = {}): BackupService {
  // Built on first export: its worker thread loads the dictionaries (~1 s), and most runs never export.
  let checker: PassphraseChecker | undefined = options.passphraseChecker;
  const files = new Map<string, string>();
  const exports = new Map<string, ExportResult>();
  const sessions = new Map<string, Session>();
  const ttl = options.sessionTtlMs ?? 10 * 60_000;
  const policy = { weakKdfForTests: options.weakKdfForTests === true };
  let lastKdfMs: number | null = null;
  const newId = () => randomBytes(12).toString('base64url');

  function sweep(): void {
    const now = Date.now();
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
  }

  async function readBackup(fileId: string): Promise<{ path: string; bytes: Buffer }> {
    const path = files.get(fileId);
    if (!path)
      throw new AppError(BackupErrorCode.NotFound, 'That backup file is no longer open here. Choose it again.');
    // Bounded and type-checked (read-bounded.ts): a FIFO or device chosen as the backup is refused, not read.
    const bytes = await readBoundedFile(path, 'backup', { maxBytes: MAX_FILE }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'FILE_TOO_LARGE')
        throw new AppError(
          BackupErrorCode.TooLarge,
          `${basename(path)} is larger than any backup can be; it is not a Crucible Secrets backup.`,
        );
      if (e instanceof AppError && e.code === 'FILE_READ_FAILED') throw e;
      throw new AppError(BackupErrorCode.NotFound, `${basename(path)} cannot be found or is not a regular file.`);
    });
    return { path, bytes };
  }

  async function decrypt(
    fileId: string,
    passphrase: string,
    operation: 'verify' | 'restore',
    onProgress?: ProgressListener,
  ) {
    const { path, bytes } = await readBackup(fileId);
    const progress = progressReporter(operation, onProgress, lastKdfMs);
    try {
      let kdfStart = 0;
      const payload = await openBackup(bytes, passphrase, {
        ...policy,
        onPhase: (p) => {
          if (p === 'kdf') kdfStart = performance.now();
          else if (p === 'decrypt') lastKdfMs = Math.round(performance.now() - kdfStart);
          progress.phase(p);
        },
      });
      const header = inspectBackup(bytes, policy);
      return { payload, summary: summarise(payload, header, basename(path), backupFingerprint(bytes)), progress };
    } catch (e) {
      progress.stop();
      throw e;
    }
  }

  async function planFor(sessionId: string, s: Session): Promise<RestorePlan> {
    const deployments = await planRestore(s.deps, s.payload, s.folders);
    return { sessionId, summary: s.summary, deployments, expiresAt: new Date(s.expiresAt).toISOString() };
  }

  function session(id: string): Session {
    sweep();
    const s = sessions.get(id);
    if (!s) throw new AppError(BackupErrorCode.NotFound, 'This restore session has expired. Open the backup again.');
    return s;
  }

  const checkPassphrase = (passphrase: string, confirmation: string, ids: readonly string[]) =>
    assertExportPassphrase((checker ??= createPassphraseChecker()), passphrase, confirmation, ids.slice());

  return {
    async status() {
      const out: BackupStatus = { deployments: [] };
      const newest = newestBackups(await deps.journal.read());
      for (const d of await deps.state.deployments()) {
        const last = newest.get(d.id) ?? null;
        const metas = await deps.state.secretMeta(d.id);
        const rotatedSince =
          last === null
            ? []
            : Object.entries(metas)
                .filter(([, m]) => m.lastRotated !== null && m.lastRotated > last)
                .map(([n]) => n)
                .sort();
        out.deployments.push({ id: d.id, name: d.name, environment: d.environment, lastBackupAt: last, rotatedSince });
      }
      return out;
    },

    defaultFileName: (ids) => backupFileName(ids, deps.clock()),
    checkExportPassphrase: checkPassphrase,

    async exportTo(target, deploymentIds, passphrase, confirmation, onProgress, extra) {
      assertSameEntries(passphrase, confirmation);
      const sheet = extra?.sheet;
      // Every target is checked before the KDF runs and before anything is written (all or nothing).
      await assertWritableTargets(sheet === undefined ? [target] : [target, sheet]);
      const progress = progressReporter('export', onProgress, lastKdfMs);
      try {
        progress.phase('gather');
        // The KDF (libuv's pool) runs beside the strength check (zxcvbn, in its worker) and, once the
        // passphrase passed, the reading of the keychain: a weak passphrase never makes the keychain ask to
        // be unlocked or brings its values into memory. Nothing is written before all of them succeeded.
        const checked = checkPassphrase(passphrase, confirmation, deploymentIds);
        const payload = checked.then(() => gatherPayload(deps, deploymentIds));
        let kdfStart = 0;
        const sealed = sealBackup(payload, passphrase, {
          kdf: options.kdf,
          deriveKeys: options.deriveKeys,
          ...policy,
          onPhase: (p) => {
            if (p === 'kdf') kdfStart = performance.now();
            else lastKdfMs = Math.round(performance.now() - kdfStart);
            progress.phase(p);
          },
        });
        const [, bytes, data] = await Promise.all([checked, sealed, payload]);
        progress.phase('write');
        const written = await writeFileAtomic(target, bytes, { mode: 0o600 });
        const fingerprint = backupFingerprint(bytes);
        const result: ExportResult = {
          exportId: newId(),
          fileName: basename(target),
          path: target,
          fingerprint,
          bytes: bytes.length,
          createdAt: data.createdAt,
          deployments: data.deployments.map((d) => ({
            id: d.id,
            name: d.name,
            secretNames: d.secrets.map((s) => s.name),
          })),
        };
        let sheetWritten: AtomicWriteResult | null = null;
        try {
          if (sheet !== undefined)
            sheetWritten = await writeFileAtomic(sheet, recoverySheetHtml(result), { mode: 0o600 });
          await deps.journal.appendAll(
            result.deployments.map((d) => ({
              type: BACKUP_EXPORTED,
              deploymentId: d.id,
              subject: result.fileName,
              details: { ...journalNames(d.secretNames), fingerprint, file: result.fileName },
            })),
          );
        } catch (e) {
          // Take back what this export wrote, so a failed run leaves nothing behind (issue 19).
          const undone =
            (sheetWritten === null || (await undoAtomicWrite(sheetWritten))) && (await undoAtomicWrite(written));
          if (e instanceof AppError)
            throw new AppError(
              e.code,
              `${e.message} ${undone ? 'Nothing was written: the backup file was removed again.' : `The backup ${basename(target)} was written but could not be removed; delete it.`}`,
            );
          throw e;
        }
        exports.set(result.exportId, result);
        deps.logger.info('backup.exported', {
          deployments: result.deployments.map((d) => d.id),
          bytes: result.bytes,
          fingerprint,
        });
        progress.done();
        return result;
      } catch (e) {
        progress.stop();
        throw e;
      }
    },

    recoverySheet(exportId) {
      const exp = exports.get(exportId);
      if (!exp)
        throw new AppError(
          BackupErrorCode.NotFound,
          'That export is not known in this session. Verify the backup and make a new sheet from the CLI, or export again.',
        );
      return { html: recoverySheetHtml(exp), fileName: recoverySheetName(exp.fileName), backupPath: exp.path };
    },

    async writeRecoverySheet(exportId, target) {
      const exp = exports.get(exportId);
      if (!exp)
        throw new AppError(
          BackupErrorCode.NotFound,
          'That export is not known in this session; export again to get its recovery sheet.',
        );
      await writeFileAtomic(target, recoverySheetHtml(exp), { mode: 0o600 });
    },

    async registerFile(path) {
      const fileId = newId();
      files.set(fileId, path);
      const { bytes } = await readBackup(fileId);
      const header = inspectBackup(bytes, policy);
      return {
        fileId,
        fileName: basename(path),
        bytes: bytes.length,
        formatVersion: header.version,
        kdf: { ...header.kdf },
      };
    },

    async verify(fileId, passphrase, onProgress) {
      const { summary, progress } = await decrypt(fileId, passphrase, 'verify', onProgress);
      progress.done();
      return summary;
    },

    async planRestore(fileId, passphrase, onProgress) {
      // The fingerprint key comes from the keychain: fetched while the KDF runs, not after it.
      const source = deps.fingerprinter();
      source.catch(() => undefined); // a failure surfaces when the plan awaits it
      const { payload, summary, progress } = await decrypt(fileId, passphrase, 'restore', onProgress);
      const fingerprints = memoFingerprinter(source, payload);
      sweep();
      const sessionId = newId();
      const s: Session = {
        payload,
        summary,
        folders: new Map(),
        deps: { ...deps, fingerprinter: () => fingerprints },
        expiresAt: Date.now() + ttl,
      };
      sessions.set(sessionId, s);
      progress.done();
      return planFor(sessionId, s);
    },

    async setFolder(sessionId, deploymentId, folder) {
      const s = session(sessionId);
      if (!s.payload.deployments.some((d) => d.id === deploymentId))
        throw new AppError(BackupErrorCode.NotFound, `The backup has no deployment ${deploymentId}.`);
      s.folders.set(deploymentId, folder);
      return planFor(sessionId, s);
    },

    currentPlan(sessionId) {
      return planFor(sessionId, session(sessionId));
    },

    async applyRestore(selection, onProgress) {
      const s = session(selection.sessionId);
      const progress = progressReporter('restore', onProgress, null);
      try {
        const result = await applyRestore(s.deps, s.payload, selection.deployments, s.folders, (p) =>
          progress.phase(p),
        );
        sessions.delete(selection.sessionId);
        progress.done();
        return result;
      } catch (e) {
        progress.stop();
        throw e;
      }
    },

    cancel(sessionId) {
      return sessions.delete(sessionId);
    },
  };
}

/**
 * The plan fingerprints every secret of the backup; applying it records the same fingerprints in the state:
 * the backup's values (in the session's memory anyway) have theirs remembered for the session, so each is
 * computed once. Other values (the keychain's, the .env's) are fingerprinted and not kept.
 */
async function memoFingerprinter(source: Promise<Fingerprinter>, payload: BackupPayload): Promise<Fingerprinter> {
  const fp = await source;
  const known = new Map<string, string | null>();
  for (const d of payload.deployments) for (const s of d.secrets) known.set(s.value, null);
  return (value) => {
    const f = known.get(value);
    if (f === undefined) return fp(value);
    if (f !== null) return f;
    const computed = fp(value);
    known.set(value, computed);
    return computed;
  };
}

/** Where an export goes when the caller gives a folder rather than a file. */
export function exportTarget(dirOrFile: string, isDir: boolean, fileName: string): string {
  return isDir ? join(dirOrFile, fileName) : dirOrFile;
}
