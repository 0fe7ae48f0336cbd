import type { DeploymentRef } from '../../common/model/deployment';
import type { JournalType } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import type { PendingKeychainWrite } from '../store/schema';

/**
 * What the backup services need from the rest of core, as small interfaces. The state store, journal,
 * fingerprinting and `.env` editing live in other modules (store/, journal/, inventory/, envfile/);
 * adapters.ts wires them in. Tests use in-memory versions.
 */

/** Non-secret metadata of one secret, as the state store records it. */
export interface SecretMetaView {
  generation: number;
  created: string | null;
  lastRotated: string | null;
  origin: 'generated' | 'imported';
}

export interface ChecklistTickView {
  id: string;
  done: boolean;
  at?: string;
  note?: string;
}

/** The app state, as far as backup reads and restores it. */
export interface BackupStatePort {
  deployments(): Promise<DeploymentRef[]>;
  /** variable → metadata of a deployment (empty when none). */
  secretMeta(deploymentId: string): Promise<Record<string, SecretMetaView>>;
  checklist(deploymentId: string): Promise<ChecklistTickView[]>;
  /**
   * Write-ahead for a restore's keychain writes (names only; the previous values wait in the keychain under
   * each record's rollback service). Stored before any live entry changes, so that if the app dies half-way
   * the inventory's recovery (inventory/store-secrets.ts recoverInterruptedWrites) puts everything back.
   */
  beginKeychainWrites(pending: PendingKeychainWrite[]): Promise<void>;
  /** Marks a record as a write running in this process until the returned function is called (StateStore.markWriteRunning). */
  markWriteRunning(id: string): () => void;
  /** Forgets write-ahead records whose live entries were put back after a failure. */
  endKeychainWrites(ids: string[]): Promise<void>;
  /**
   * Records restored deployments in one state write: registers unknown deployments, sets the metadata of the
   * restored secrets (fingerprint given), merges checklist ticks, and drops the restore's write-ahead records,
   * and any older record of a restored deployment whose every entry the restore has just set (an earlier
   * write whose previous values could not be put back).
   * @returns the rollback services of those older records, for their copies to be deleted.
   */
  recordRestore(items: RestoredDeploymentRecord[], pendingIds: string[]): Promise<string[]>;
}

export interface RestoredDeploymentRecord {
  deployment: DeploymentRef;
  secrets: Array<{
    name: string;
    fingerprint: string;
    generation: number;
    created: string | null;
    lastRotated: string | null;
    origin: 'generated' | 'imported';
  }>;
  checklist: ChecklistTickView[];
}

/** The hash-chained journal (journal/journal.ts has this shape). Names only, never values. */
export type BackupJournalInput = {
  type: JournalType;
  deploymentId?: string;
  subject?: string;
  details?: Record<string, string | number | boolean | null | string[]>;
};

export interface BackupJournalPort {
  append(input: BackupJournalInput): Promise<unknown>;
  /** Several entries in one write: none is written if any is refused (part of an all-or-nothing restore). */
  appendAll(inputs: readonly BackupJournalInput[]): Promise<unknown>;
  read(filter?: {
    deploymentId?: string;
    limit?: number;
  }): Promise<Array<{ type: string; at: string; deploymentId?: string; details: Record<string, unknown> }>>;
}

/** A deployment's `.env`: read as values, rewrite some keys preserving the rest (envfile/ owns the rules). */
export interface EnvFilePort {
  /** null when the folder has no `.env`. */
  read(folder: string): Promise<{ values: Map<string, string>; sha256: string } | null>;
  /**
   * Sets the given keys (replacing or appending) and writes atomically, refusing if the file changed since
   * `expectedSha256` (null = must not exist), keeping the previous version under the app home for
   * `deploymentId`. Returns a function that puts the previous bytes back.
   * @throws AppError ENV_* for a value that cannot be written safely; FS_CHANGED_ON_DISK.
   */
  write(
    folder: string,
    values: Record<string, string>,
    expectedSha256: string | null,
    deploymentId: string,
  ): Promise<() => Promise<void>>;
  /** Whether the folder (here, or `ssh://…` on a server) exists. */
  folderExists(folder: string): Promise<boolean>;
}

/** Keyed fingerprint of a value (inventory/fingerprint.ts), so conflicts can be shown without values. */
export type Fingerprinter = (value: string) => string;

export interface BackupDeps {
  keychain: () => Promise<Keychain>;
  state: BackupStatePort;
  journal: BackupJournalPort;
  env: EnvFilePort;
  fingerprinter: () => Promise<Fingerprinter>;
  logger: Logger;
  clock: () => Date;
  appVersion: string;
  /**
   * Variables whose keychain and `.env` form is a bcrypt hash (hashing/stored-form.ts); a plain value for
   * one of them in a backup (written by an older version) is restored as its hash: `passwordHashVariables`
   * of the stack profile.
   */
  passwordVariables: ReadonlySet<string>;
  /** bcrypt for such values (tests may inject a cheaper one, with `isPasswordHash`). */
  hashPassword?: (password: string) => Promise<string>;
  isPasswordHash?: (value: string) => boolean;
  /**
   * Puts back the keychain entries of the given deployments' interrupted writes (an earlier restore the app
   * did not survive, say) before a restore reads the current values. Wired to the inventory's recovery.
   */
  recoverInterruptedWrites?: (deploymentIds: string[]) => Promise<unknown>;
  /** Transaction ids (tests inject fixed ones). */
  random?: (n: number) => Buffer;
}
