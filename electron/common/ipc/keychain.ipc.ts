import { z } from 'zod';
import { channel, NoRequest, req } from './contract';

export const KeychainBackendId = z.enum([
  'secret-service',
  'macos-keychain',
  'windows-credential-manager',
  'file-vault',
  'memory',
  'none',
]);
export type KeychainBackendId = z.infer<typeof KeychainBackendId>;

export const KeychainProblemCode = z.enum([
  'NO_DBUS',
  'NO_SECRET_SERVICE',
  'LOCKED',
  'NATIVE_MODULE_MISSING',
  'TIMEOUT',
  'UNSUPPORTED_PLATFORM',
  'PROBE_FAILED',
]);
export type KeychainProblemCode = z.infer<typeof KeychainProblemCode>;

/** The doctor's answer: which backend, whether it works here, and if not why and how to fix it. */
export const KeychainStatus = z.object({
  backend: KeychainBackendId,
  label: z.string(),
  usable: z.boolean(),
  checkedAt: z.string(),
  problem: z.object({ code: KeychainProblemCode, message: z.string(), fix: z.string() }).optional(),
  facts: z.object({
    dbusSessionBus: z.boolean().optional(),
    locked: z.boolean().optional(),
    /** Windows Credential Manager stores at most 2,560 bytes per value. */
    maxValueBytes: z.number().int().positive().optional(),
  }),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

export const keychainChannels = {
  status: channel('keychain', 'status', NoRequest, KeychainStatus),
  recheck: channel('keychain', 'recheck', req({}), KeychainStatus),
};
