import { z } from 'zod';
import { channel, event, NoRequest, req } from './contract';
import { Environment } from '../model/deployment';

/**
 * Encrypted offline backups (docs/backup-format.md). The passphrase crosses renderer → main once per call
 * and is never echoed; no response carries a secret value, except `generatePassphrase`, which answers the
 * admin's click with a new passphrase to show once (main keeps and journals nothing of it). Files are chosen by main's dialogs and referred to
 * by ids.
 */

const DeploymentId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/);
const Passphrase = z.string().min(1).max(1024);
const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const VarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .max(128);

export const KdfInfo = z.object({
  memoryKiB: z.number().int(),
  iterations: z.number().int(),
  parallelism: z.number().int(),
});

export const BackupProgress = z.object({
  operation: z.enum(['export', 'verify', 'restore']),
  phase: z.enum(['gather', 'check', 'kdf', 'encrypt', 'decrypt', 'write', 'apply', 'done']),
  elapsedMs: z.number().int().min(0),
  /** How long the key derivation took last time on this machine, when known: lets the UI show a bar. */
  estimateMs: z.number().int().min(0).nullable(),
});
export type BackupProgress = z.infer<typeof BackupProgress>;

/** What a backup holds, as verify reports it: names, counts and dates, never a value. */
export const BackupSummary = z.object({
  fileName: z.string(),
  fingerprint: z.string(),
  formatVersion: z.number().int(),
  appVersion: z.string(),
  createdAt: z.string(),
  kdf: KdfInfo,
  deployments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      environment: Environment,
      folder: z.string(),
      secretNames: z.array(z.string()),
      secretCount: z.number().int(),
      maxGeneration: z.number().int(),
      newestRotation: z.string().nullable(),
      checklistDone: z.number().int(),
      checklistTotal: z.number().int(),
    }),
  ),
});
export type BackupSummary = z.infer<typeof BackupSummary>;

export const ExportResult = z.object({
  exportId: z.string(),
  fileName: z.string(),
  path: z.string(),
  fingerprint: z.string(),
  bytes: z.number().int(),
  createdAt: z.string(),
  deployments: z.array(z.object({ id: z.string(), name: z.string(), secretNames: z.array(z.string()) })),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const BackupFileInfo = z.object({
  fileId: z.string(),
  fileName: z.string(),
  bytes: z.number().int(),
  formatVersion: z.number().int(),
  kdf: KdfInfo,
});
export type BackupFileInfo = z.infer<typeof BackupFileInfo>;

const SideState = z.enum(['absent', 'same', 'differs', 'no-file']);
export const RestoreConflict = z.object({
  name: VarName,
  generation: z.number().int(),
  backupFingerprint: z.string(),
  keychain: z.object({ state: SideState, fingerprint: z.string().nullable() }),
  env: z.object({ state: SideState, fingerprint: z.string().nullable() }),
});
export type RestoreConflict = z.infer<typeof RestoreConflict>;

export const RestorePlan = z.object({
  sessionId: z.string(),
  summary: BackupSummary,
  deployments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** Already known to this app's state (else restore registers it). */
      registered: z.boolean(),
      folder: z.string(),
      folderExists: z.boolean(),
      envFound: z.boolean(),
      secrets: z.array(RestoreConflict),
    }),
  ),
  expiresAt: z.string(),
});
export type RestorePlan = z.infer<typeof RestorePlan>;

export const RestoreSelection = req({
  sessionId: Id,
  deployments: z
    .array(req({ deploymentId: DeploymentId, secrets: z.array(VarName).max(10_000), rewriteEnv: z.boolean() }))
    .min(1)
    .max(100),
});
export type RestoreSelection = z.infer<typeof RestoreSelection>;

export const RestoreResult = z.object({
  deployments: z.array(
    z.object({
      id: z.string(),
      /** The deployment's name, for people (the id is not shown). */
      name: z.string(),
      restored: z.array(z.string()),
      envRewritten: z.boolean(),
      registered: z.boolean(),
      /**
       * What the admin runs so the services pick up the rewritten `.env` (`docker compose … up -d
       * --force-recreate` in the deployment's folder, over ssh for a server); null when `.env` was not rewritten.
       */
      applyCommand: z.string().nullable(),
    }),
  ),
});
export type RestoreResult = z.infer<typeof RestoreResult>;

export const BackupStatus = z.object({
  deployments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      environment: Environment,
      lastBackupAt: z.string().nullable(),
      /** Secrets rotated after the newest backup: restoring that backup would bring back revoked values. */
      rotatedSince: z.array(z.string()),
    }),
  ),
});
export type BackupStatus = z.infer<typeof BackupStatus>;

/** A new passphrase of EFF words (core/secrets/passphrase-generator.ts), shown once to the admin who asked. */
export const GeneratedPassphrase = z.object({ passphrase: z.string(), words: z.number().int(), bits: z.number() });
export type GeneratedPassphrase = z.infer<typeof GeneratedPassphrase>;

export const backupChannels = {
  status: channel('backup', 'status', NoRequest, BackupStatus),
  /** On the admin's click: a strong passphrase to fill in and store (the only response carrying a secret). */
  generatePassphrase: channel('backup', 'generatePassphrase', NoRequest, GeneratedPassphrase),
  /** Main copies the passphrase it generated last (cleared from the clipboard after 30 s). */
  copyGeneratedPassphrase: channel('backup', 'copyGeneratedPassphrase', NoRequest, z.object({ clearsAt: z.string() })),
  /** Main asks where to save (OS dialog); null when the admin cancels. */
  export: channel(
    'backup',
    'export',
    req({ deploymentIds: z.array(DeploymentId).min(1).max(100), passphrase: Passphrase, confirmation: Passphrase }),
    ExportResult.nullable(),
  ),
  /** Saves the printable recovery sheet of an export made in this session (OS dialog). */
  saveRecoverySheet: channel(
    'backup',
    'saveRecoverySheet',
    req({ exportId: Id }),
    z.object({ fileName: z.string(), path: z.string() }).nullable(),
  ),
  /** Main opens a file dialog and checks the file's structure (no passphrase yet). */
  pickFile: channel('backup', 'pickFile', NoRequest, BackupFileInfo.nullable()),
  verify: channel('backup', 'verify', req({ fileId: Id, passphrase: Passphrase }), BackupSummary),
  planRestore: channel('backup', 'planRestore', req({ fileId: Id, passphrase: Passphrase }), RestorePlan),
  /** Restore one deployment into another folder (OS folder dialog). */
  chooseFolder: channel('backup', 'chooseFolder', req({ sessionId: Id, deploymentId: DeploymentId }), RestorePlan),
  applyRestore: channel('backup', 'applyRestore', RestoreSelection, RestoreResult),
  cancelRestore: channel('backup', 'cancelRestore', req({ sessionId: Id }), z.object({ cancelled: z.boolean() })),
  /** Copies the command that applies the last restore of this deployment (RestoreResult.applyCommand). */
  copyApplyCommand: channel(
    'backup',
    'copyApplyCommand',
    req({ deploymentId: DeploymentId }),
    z.object({ copied: z.boolean() }),
  ),
};

export const backupEvents = {
  backupProgress: event('backup', 'progress', BackupProgress),
};
