import { z } from 'zod';
import { AppError } from '../../common/errors';
import { DeploymentRef } from '../../common/model/deployment';
import { AppState, STATE_VERSION } from './schema';

/**
 * Migrations of the state document, one function per version step. Each old version keeps its own
 * schema here so a golden file of it (test/fixtures/state/v<N>.json) is validated exactly as it was
 * written, then lifted one step at a time. Never edit a released step; add the next one.
 */

/** Version 1: deployments and a flat list of secret metadata; no settings, checklists, rotations or incidents. */
const StateV1 = z.object({
  version: z.literal(1),
  deployments: z.array(DeploymentRef),
  secrets: z.array(
    z.object({
      deploymentId: z.string(),
      variable: z.string(),
      fingerprint: z.string(),
      generation: z.number().int().min(1),
      createdAt: z.string(),
      rotatedAt: z.string().nullable(),
    }),
  ),
});

type Step = (doc: unknown) => unknown;

/** STEPS[n] turns a version-n document into a version-(n+1) document. */
const STEPS: Record<number, Step> = {
  1: (doc) => {
    const v1 = StateV1.parse(doc);
    const secrets: Record<string, Record<string, unknown>> = {};
    for (const s of v1.secrets) {
      (secrets[s.deploymentId] ??= {})[s.variable] = {
        variable: s.variable,
        fingerprint: s.fingerprint,
        generation: s.generation,
        created: s.createdAt,
        lastRotated: s.rotatedAt,
        // Version 1 did not record where a value came from; claiming "generated" could be false.
        origin: 'imported',
      };
    }
    return {
      version: 2,
      settings: { keychainBackend: 'os' },
      deployments: v1.deployments,
      secrets,
      checklists: {},
      rotations: [],
      incidents: [],
      pendingKeychainWrites: [],
    };
  },
};

export interface Migrated {
  state: AppState;
  fromVersion: number;
}

/**
 * Validates a parsed state document of any known version and lifts it to the current one.
 * @throws AppError STATE_TOO_NEW for a document written by a newer app (nothing is changed);
 *   STATE_INVALID when the document does not match its version's schema.
 */
export function migrateState(doc: unknown): Migrated {
  const version = z.object({ version: z.number().int() }).safeParse(doc);
  if (!version.success) throw new AppError('STATE_INVALID', 'The state file has no version number.');
  const from = version.data.version;
  if (from > STATE_VERSION) {
    throw new AppError(
      'STATE_TOO_NEW',
      `The state file was written by a newer version of Crucible Secrets (format ${from}; this one reads up to ${STATE_VERSION}). Update the app; the file was left as it is.`,
    );
  }
  let cur: unknown = doc;
  try {
    for (let v = from; v < STATE_VERSION; v++) {
      const step = STEPS[v];
      if (!step) throw new AppError('STATE_INVALID', `The state file has an unknown format version (${from}).`);
      cur = step(cur);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('STATE_INVALID', `The state file does not match format ${from}.`);
  }
  const parsed = AppState.safeParse(cur);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => i.path.join('.') || '(root)')
      .join(', ');
    throw new AppError('STATE_INVALID', `The state file does not match format ${STATE_VERSION} (at ${where}).`);
  }
  return { state: parsed.data, fromVersion: from };
}
