import { join } from 'node:path';

/**
 * Option objects of the Electron start-up sequence (index.ts), kept apart so they are unit-tested without
 * an Electron binary.
 */

/** Crash dumps are kept locally only: they are process memory, which may hold secret values. */
export const CRASH_REPORTER_OPTIONS = { uploadToServer: false, submitURL: '', compress: true } as const;

/** Where crash dumps go: inside the 0700 app home (Electron's default is a folder beside the user data). */
export function crashDumpsPath(home: string): string {
  return join(home, 'crash-dumps');
}
