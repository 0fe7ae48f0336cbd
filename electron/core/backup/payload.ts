import { z } from 'zod';
import { Environment } from '../../common/model/deployment';

/**
 * The decrypted contents of a backup: UTF-8 JSON validated by these schemas (docs/backup-format.md §5).
 * Additive changes keep `payloadVersion` 1 and are optional fields; anything else is a new version.
 */

const IsoDate = z.iso.datetime({ offset: true });
export const VariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);

export const BackupSecret = z.object({
  /** The variable name (also the keychain account). */
  name: VariableName,
  /** The secret value itself. Only ever inside the encrypted payload. */
  value: z.string().max(64 * 1024),
  /** 1 for the first value, +1 per rotation. */
  generation: z.number().int().min(1).default(1),
  origin: z.enum(['generated', 'imported', 'unknown']).default('unknown'),
  createdAt: IsoDate.optional(),
  rotatedAt: IsoDate.optional(),
});
export type BackupSecret = z.infer<typeof BackupSecret>;

export const ChecklistTick = z.object({
  id: z.string().min(1).max(200),
  done: z.boolean(),
  at: IsoDate.optional(),
  /** The admin's note on a tick (why it is done without the app's evidence); absent in older backups. */
  note: z.string().max(500).optional(),
});

export const BackupDeployment = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/),
  name: z.string().min(1).max(80),
  /** Where the deployment lived when the backup was made (restore may target another folder). */
  folder: z.string().max(4096),
  composeFiles: z.array(z.string().max(4096)).max(50).default([]),
  environment: Environment,
  createdAt: IsoDate,
  secrets: z.array(BackupSecret).max(10_000),
  checklist: z.array(ChecklistTick).max(1000).default([]),
});
export type BackupDeployment = z.infer<typeof BackupDeployment>;

export const BackupPayload = z
  .object({
    kind: z.literal('crucible-secrets-backup'),
    payloadVersion: z.literal(1),
    appVersion: z.string().min(1).max(64),
    createdAt: IsoDate,
    deployments: z.array(BackupDeployment).min(1).max(100),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    for (const [i, d] of p.deployments.entries()) {
      if (ids.has(d.id))
        ctx.addIssue({ code: 'custom', path: ['deployments', i, 'id'], message: 'duplicate deployment id' });
      ids.add(d.id);
      const names = new Set<string>();
      for (const [j, s] of d.secrets.entries()) {
        if (names.has(s.name))
          ctx.addIssue({
            code: 'custom',
            path: ['deployments', i, 'secrets', j, 'name'],
            message: 'duplicate secret name',
          });
        names.add(s.name);
      }
    }
  });
export type BackupPayload = z.infer<typeof BackupPayload>;
export type BackupPayloadInput = z.input<typeof BackupPayload>;
