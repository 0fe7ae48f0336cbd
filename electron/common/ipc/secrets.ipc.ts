import { z } from 'zod';
import { channel, req } from './contract';

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
});
export type SecretRef = z.infer<typeof SecretRef>;

export const SecretList = z.object({
  deploymentId: z.string(),
  refs: z.array(SecretRef),
  /** Why the keychain could not be read, with the fix; null when it was. */
  keychainProblem: z.object({ code: z.string(), message: z.string() }).nullable(),
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

const Target = req({ deploymentId: z.string().max(64), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(128) });

export const secretsChannels = {
  list: channel('secrets', 'list', req({ deploymentId: z.string().max(64) }), SecretList),
  /** Explicit: answers with the value. Journaled. */
  reveal: channel('secrets', 'reveal', Target, z.object({ name: z.string(), value: z.string() })),
  /** Main writes the clipboard and clears it after `seconds` if it still holds the value. Journaled. */
  copy: channel('secrets', 'copy', Target, z.object({ name: z.string(), clearsAt: z.string(), seconds: z.number().int() })),
  drift: channel('secrets', 'drift', req({ deploymentId: z.string().max(64) }), DriftReport),
};
