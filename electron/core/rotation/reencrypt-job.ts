import { AppError, isAppError } from '../../common/errors';
import { readBoundedText } from '../fs/read-bounded';
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
    // Bounded and regular files only: a FIFO or /dev/zero in the export's place must not hang or fill memory.
    text = await readBoundedText(input.exportFile, 'export-json');
  } catch (e) {
    if (isAppError(e) && e.code === 'FILE_TOO_LARGE') throw new AppError(ReencryptErrorCode.ExportInvalid, e.message);
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
