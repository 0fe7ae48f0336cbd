/**
 * The `.env` engine: a parser with docker compose v2 semantics that also reports where python-dotenv reads
 * a value differently; an editor that keeps every byte it does not manage and writes managed values
 * single-quoted; file reading with SHA-256 and atomic writing that refuses a file changed on disk.
 *
 * Typical use:
 * ```ts
 * const { doc, sha256 } = await readEnvFile(path);
 * const findings = checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
 * await writeEnvFile(path, [{ op: 'set', key: 'REDIS_PASSWORD', value }], { expectedSha256: sha256 });
 * ```
 */
export type { EnvChange, EnvDoc, EnvEntry, EnvProblem, EnvProblemCode, QuoteStyle, Separator } from './types';
export { MAX_ENV_CHARS, envValues, fatalProblems, parseEnv, parseEnvStrict, type ParseOptions } from './parse';
export {
  WRITABLE_KEY,
  applyEnvChanges,
  assertWritableKey,
  assertWritableValue,
  formatEnvLine,
  serializeEnv,
  unsafeValueReason,
  type ApplyResult,
} from './edit';
export { decodeEnvBytes, readEnvDoc } from './read';
export { readEnvFile, writeEnvFile, type ReadEnvResult, type WriteEnvOptions, type WriteEnvResult } from './file';
export { readFolderEnvValues } from './folder';
/** Compose's `$` interpolation of `.env` values is compose/interpolate.ts (one implementation for files and `.env`). */
export type { Lookup } from '../compose/interpolate';
export { parsePythonDotenv, type PythonBinding, type PythonParseResult } from './python-dotenv';
