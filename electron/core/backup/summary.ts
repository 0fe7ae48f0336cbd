import type { BackupSummary } from '../../common/ipc/backup.ipc';
import type { BackupHeader } from './format';
import type { BackupPayload } from './payload';

/** What verify reports: names, counts and dates of a decrypted backup, never a value. */
export function summarise(
  payload: BackupPayload,
  header: BackupHeader,
  fileName: string,
  fingerprint: string,
): BackupSummary {
  return {
    fileName,
    fingerprint,
    formatVersion: header.version,
    appVersion: payload.appVersion,
    createdAt: payload.createdAt,
    kdf: { ...header.kdf },
    deployments: payload.deployments.map((d) => {
      const rotations = d.secrets
        .map((s) => s.rotatedAt)
        .filter((x): x is string => x !== undefined)
        .sort();
      return {
        id: d.id,
        name: d.name,
        environment: d.environment,
        folder: d.folder,
        secretNames: d.secrets.map((s) => s.name).sort(),
        secretCount: d.secrets.length,
        maxGeneration: Math.max(0, ...d.secrets.map((s) => s.generation)),
        newestRotation: rotations[rotations.length - 1] ?? null,
        checklistDone: d.checklist.filter((c) => c.done).length,
        checklistTotal: d.checklist.length,
      };
    }),
  };
}
