import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { parseUserSettingsExport, reencryptExport, ReencryptErrorCode, type ReencryptOptions } from './reencrypt';

/** Summary of a finished job: counts only, never values. */
export interface ReencryptJobSummary {
  rows: number;
  tokens: number;
  legacy: number;
  sqlFile: string;
}

export interface ReencryptJobInput extends ReencryptOptions {
  exportFile: string;
  sqlOut: string;
}

/**
 * Reads the export, re-encrypts every stored provider key and writes the SQL script (0600, atomically).
 * The script is written only after every value decrypted and round-tripped; on any failure no file is written.
 * @throws AppError ROTATION_EXPORT_INVALID (file unreadable or malformed) and the codes of {@link reencryptExport}.
 */
export async function runReencryptionJob(input: ReencryptJobInput): Promise<ReencryptJobSummary> {
  let text: string;
  try {
    text = await readFile(input.exportFile, 'utf8');
  } catch {
    throw new AppError(
      ReencryptErrorCode.ExportInvalid,
      'The export file cannot be read. Check the path and that the export command finished.',
    );
  }
  const rows = parseUserSettingsExport(text);
  const result = await reencryptExport(rows, input);
  await writeFileAtomic(input.sqlOut, result.sql, { mode: 0o600, keepPrevious: false });
  return { rows: result.changes.length, tokens: result.tokens, legacy: result.legacy, sqlFile: input.sqlOut };
}
