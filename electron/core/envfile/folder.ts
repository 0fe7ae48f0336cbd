import type { FolderReader } from '../fs/folder-reader';
import { envValues, parseEnv } from './parse';

/**
 * The values compose takes from a deployment folder's `.env` (see {@link envValues}), read through the folder's
 * reader (here, or on a server). An empty map when there is no `.env` that can be read (missing, a link, over
 * the cap): callers that only need a few non-secret keys or a lookup for interpolation treat that as "nothing
 * set". The values may be secrets: they stay in memory and are never shown.
 */
export async function readFolderEnvValues(reader: FolderReader): Promise<Map<string, string>> {
  let text: string;
  try {
    // No FIFO, link or huge file (read-bounded.ts; on a server the host checks the same).
    text = await reader.readText('.env', 'env');
  } catch {
    return new Map();
  }
  return envValues(parseEnv(text, { skipPythonComparison: true }));
}
