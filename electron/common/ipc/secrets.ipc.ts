import { z } from 'zod';
import { channel, event, req } from './contract';
import { ErrorCode } from './error-shape';

/**
 * The Secrets page's channels. Only `reveal` answers with a value, and only `copy` puts one anywhere (main
 * writes the clipboard); every other answer carries references (ARCHITECTURE.md §3).
 */
export const SecretStatus = z.enum([
  /** In the keychain and matching the fingerprint the app recorded. */
  'ok',
  /** The app expects it (state or stack profile) but the keychain has no entry. */
  'missing',
  /** The keychain value no longer matches the recorded fingerprint (changed outside the app). */
  'changed',
  /** In the keychain but unknown to the app state (not set up or imported by this app). */
  'untracked',
  /** A write was interrupted; the previous values are put back once the keychain is usable. */
  'interrupted',
  /** The keychain cannot be read right now. */
  'unavailable',
]);
export type SecretStatus = z.infer<typeof SecretStatus>;

/**
 * One way a service receives a variable (core/compose/service-env.ts): an `environment:` entry (under the name
 * `as`), `env_file`, a mounted `.env` its program reads, or its command line. `effective: false` = shadowed (a
 * mounted file's key beaten by an environment entry of the same name): the service has it but does not use it.
 */
export const SecretReach = z.object({
  service: z.string(),
  via: z.enum(['environment', 'env_file', 'mounted-file', 'command']),
  as: z.string().nullable(),
  effective: z.boolean(),
});
export type SecretReach = z.infer<typeof SecretReach>;

/** A secret as the renderer sees it: never its value. */
export const SecretRef = z.object({
  name: z.string(),
  kind: z.string(),
  fingerprint: z.string().nullable(),
  created: z.string().nullable(),
  rotated: z.string().nullable(),
  generation: z.number().int().nullable(),
  origin: z.enum(['generated', 'imported']).nullable(),
  status: SecretStatus,
  /**
   * Which services receive it with the deployment's compose files and `.env` (an empty list: none);
   * absent when that could not be worked out (no `.env`, or compose files unreadable, here or on the server).
   */
  reaches: z.array(SecretReach).optional(),
});
export type SecretRef = z.infer<typeof SecretRef>;

export const SecretList = z.object({
  deploymentId: z.string(),
  refs: z.array(SecretRef),
  /** Why the keychain could not be read, with the fix; null when it was. */
  keychainProblem: z.object({ code: ErrorCode, message: z.string() }).nullable(),
});
export type SecretList = z.infer<typeof SecretList>;

export const DriftStatus = z.enum(['in-sync', 'differs', 'keychain-missing', 'env-missing', 'both-missing']);
export const DriftItem = z.object({
  name: z.string(),
  status: DriftStatus,
  keychainFingerprint: z.string().nullable(),
  envFingerprint: z.string().nullable(),
});
export type DriftItem = z.infer<typeof DriftItem>;

export const DriftReport = z.object({
  deploymentId: z.string(),
  envFile: z.string(),
  envFound: z.boolean(),
  items: z.array(DriftItem),
  inSync: z.boolean(),
});
export type DriftReport = z.infer<typeof DriftReport>;

/**
 * Which way a drift repair goes: the keychain's value into `.env`, or the `.env` value adopted into the keychain.
 */
export const DriftDirection = z.enum(['keychain-to-env', 'env-to-keychain']);
export type DriftDirection = z.infer<typeof DriftDirection>;

/** What a drift repair would change: a one-line diff with values withheld, and the token that binds it. */
export const DriftRepairPreview = z.object({
  deploymentId: z.string(),
  name: z.string(),
  direction: DriftDirection,
  /** `.env`, or `.env on <server>`. */
  file: z.string(),
  /** A unified diff of the one `.env` line (values withheld, fingerprints shown), or `keychain: NAME fingerprint A → B`. */
  diff: z.string(),
  keychainFingerprint: z.string().nullable(),
  envFingerprint: z.string().nullable(),
  /** Hash of the `.env`'s SHA-256 and both fingerprints: the repair refuses when they changed since. */
  token: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DriftRepairPreview = z.infer<typeof DriftRepairPreview>;

export const DriftRepairResult = z.object({
  deploymentId: z.string(),
  name: z.string(),
  direction: DriftDirection,
  /** The fingerprint both sides now hold. */
  fingerprint: z.string(),
  /** Whether the previous `.env` was kept under the app home (keychain → `.env` only). */
  previousKept: z.boolean(),
});
export type DriftRepairResult = z.infer<typeof DriftRepairResult>;

/** A previous version of a deployment file the app kept under its own folder (no content, no path). */
export const PreviousVersionView = z.object({
  id: z.string(),
  /** The file it was, e.g. `.env` or `docker-compose.yml`. */
  of: z.string(),
  takenAt: z.string(),
  size: z.number().int(),
});
export type PreviousVersionView = z.infer<typeof PreviousVersionView>;

const Name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .max(128);
const Target = req({ deploymentId: z.string().max(64), name: Name });

export const secretsChannels = {
  list: channel('secrets', 'list', req({ deploymentId: z.string().max(64) }), SecretList),
  /** Explicit: answers with the value. Journaled. */
  reveal: channel('secrets', 'reveal', Target, z.object({ name: z.string(), value: z.string() })),
  /** Main writes the clipboard and clears it after `seconds` if it still holds the value. Journaled. */
  copy: channel(
    'secrets',
    'copy',
    Target,
    z.object({ name: z.string(), clearsAt: z.string(), seconds: z.number().int() }),
  ),
  drift: channel('secrets', 'drift', req({ deploymentId: z.string().max(64) }), DriftReport),
  /** The change a drift repair would make, values withheld. */
  previewDriftRepair: channel(
    'secrets',
    'previewDriftRepair',
    req({ deploymentId: z.string().max(64), name: Name, direction: DriftDirection }),
    DriftRepairPreview,
  ),
  /** Makes the previewed change; refused when the `.env` or the keychain changed since. Journaled. */
  repairDrift: channel(
    'secrets',
    'repairDrift',
    req({
      deploymentId: z.string().max(64),
      name: Name,
      direction: DriftDirection,
      token: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    DriftRepairResult,
  ),
  /**
   * Watches the deployment's `.env` (a folder on this computer) and pushes `secretsEnvChanged` when it changes,
   * until `unwatchEnv`. `watching: false` for a deployment on a server: the page re-checks on a timer instead.
   */
  watchEnv: channel(
    'secrets',
    'watchEnv',
    req({ deploymentId: z.string().max(64) }),
    z.object({ watching: z.boolean() }),
  ),
  unwatchEnv: channel('secrets', 'unwatchEnv', req({ deploymentId: z.string().max(64) }), z.object({})),
  previousVersions: channel(
    'secrets',
    'previousVersions',
    req({ deploymentId: z.string().max(64) }),
    z.array(PreviousVersionView),
  ),
  /** Puts a kept version back (the current file is kept first). Journaled. */
  restorePrevious: channel(
    'secrets',
    'restorePrevious',
    req({ deploymentId: z.string().max(64), id: z.string().max(200) }),
    z.object({ file: z.string(), currentKept: z.boolean() }),
  ),
};

/** Main → renderer: a watched deployment's `.env` changed on disk (no content, no path). */
export const secretsEvents = {
  secretsEnvChanged: event('secrets', 'envChanged', z.object({ deploymentId: z.string() })),
};
