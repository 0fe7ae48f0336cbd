import { z } from 'zod';

/**
 * A deployment's location (location.ts `Location`) as a schema, for the state file and IPC; a type test
 * (test/unit/host/location.test.ts) keeps the two equal. Apart from location.ts so that parsing a location
 * loads no zod (issue 20).
 */
export const LocationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), path: z.string().min(1) }),
  z.object({
    kind: z.literal('ssh'),
    user: z.string().min(1).nullable(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).nullable(),
    path: z.string().startsWith('/'),
  }),
]);
