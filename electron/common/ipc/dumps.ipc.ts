import { z } from 'zod';
import { channel, req } from './contract';

/**
 * The encrypted database dumps of a deployment (core/dumps): listed, deleted, and decrypted into a file the
 * admin picks in main's save dialog. No content and no key ever crosses to the renderer.
 */
export const DumpView = z.object({
  id: z.string(),
  size: z.number().int(),
  createdAt: z.string(),
  encrypted: z.boolean(),
});
export type DumpView = z.infer<typeof DumpView>;

const Target = req({ deploymentId: z.string().max(64), id: z.string().max(255) });

export const dumpsChannels = {
  list: channel(
    'dumps',
    'list',
    req({ deploymentId: z.string().max(64) }),
    z.object({ folder: z.string(), dumps: z.array(DumpView) }),
  ),
  /** Deletes one dump. Journaled. */
  remove: channel('dumps', 'remove', Target, z.object({ removed: z.string() })),
  /** Main asks where to save, then writes the plain SQL there (0600, never over an existing file). */
  decrypt: channel('dumps', 'decrypt', Target, z.object({ savedTo: z.string().nullable() })),
};
