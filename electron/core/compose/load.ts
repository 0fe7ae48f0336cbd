import type { FolderReader } from '../fs/folder-reader';
import { composeFolderReader, readComposeText } from './discover';
import type { Lookup } from './interpolate';
import { mergeComposeFiles } from './merge';
import type { ComposeProblem, ComposeProject } from './model';
import { parseComposeFile, type ParsedComposeFile } from './parse-file';

// Finding the files (no YAML reader needed) is discover.ts, so that the CLI's check-env can look for them
// without loading the `yaml` library (issue 20); re-exported for the modules that read them as well.
export {
  composeFolderReader,
  discoverComposeFiles,
  listComposeFiles,
  MAX_COMPOSE_BYTES,
  readComposeText,
  type DiscoverOptions,
} from './discover';

/**
 * Reads, interpolates and merges compose files.
 * @throws AppError COMPOSE_YAML_INVALID (with file and line), COMPOSE_NOT_A_MAPPING, COMPOSE_TOO_LARGE (over
 *   512 KiB), COMPOSE_READ_FAILED (also a link, pipe or device in the file's place), COMPOSE_TOO_MANY_ALIASES.
 */
export async function loadComposeProject(
  where: string | FolderReader,
  files: readonly string[],
  lookup: Lookup,
): Promise<ComposeProject> {
  const reader = composeFolderReader(where);
  const folder = reader.folder;
  const parsed: ParsedComposeFile[] = [];
  for (const f of files) parsed.push(parseComposeFile(await readComposeText(reader, f), f, folder, lookup));
  return composeProjectFromParsed(folder, parsed);
}

/** Builds the project from already-parsed files (used by tests and the benchmark). */
export function composeProjectFromParsed(folder: string, parsed: ParsedComposeFile[]): ComposeProject {
  const problems: ComposeProblem[] = [];
  const seen = new Set<string>();
  for (const p of parsed) {
    for (const pr of p.problems) {
      // compose warns once per variable, not once per use
      const key =
        pr.code === 'COMPOSE_VARIABLE_NOT_SET' && pr.variable !== undefined
          ? `${pr.code}|${pr.variable}`
          : `${pr.code}|${pr.source.file}|${pr.source.line}|${pr.variable ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(pr);
    }
  }
  return {
    folder,
    files: parsed.map((p) => p.file),
    services: mergeComposeFiles(parsed),
    problems,
    referenced: [...new Set(parsed.flatMap((p) => p.referenced))],
  };
}
