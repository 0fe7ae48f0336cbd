import { AppError } from '../../common/errors';
import type { PublishedPort } from '../../common/ipc/proxy.ipc';
import type { FolderReader } from '../fs/folder-reader';
import { isLiteralValue } from '../compose/interpolate';
import { composeFolderReader, listComposeFiles, readComposeText } from '../compose/load';
import type { ComposePort, ComposeService } from '../compose/model';
import { parseComposeFile } from '../compose/parse-file';
import { readFolderEnvValues } from '../envfile';

/**
 * The few compose facts the front door needs: which ports are published and on which host address, and
 * which variables a service sets itself in `environment:` (those beat `.env`, docs/crucible.md).
 * A registered deployment's recorded compose files are read (the production file when it runs with it);
 * otherwise every compose file of the folder, the production file included, since the admin may run either.
 * Each is read on its own with the compose reader (compose/parse-file.ts). Read-only; a file that does not
 * parse is reported, never guessed at.
 */

export interface ComposeServiceFacts {
  service: string;
  file: string;
  ports: PublishedPort[];
  /** `environment:` entries as written (values may contain `${VAR}`). Never shown: may hold secrets. */
  environment: Map<string, { value: string | null; line?: number }>;
}

export interface ComposeFacts {
  files: string[];
  unreadable: string[];
  services: ComposeServiceFacts[];
}

/** One published port; a long-syntax entry is shown in the short form (`127.0.0.1:8000:8000`). */
function publishedPort(service: string, file: string, p: ComposePort): PublishedPort {
  const raw =
    p.syntax === 'short' ? p.raw : `${p.hostIp === null ? '' : `${p.hostIp}:`}${p.published ?? ''}:${p.target}`;
  // The compose reader already maps 0.0.0.0, :: and no address to null: every interface, past ufw.
  return {
    service,
    file,
    line: p.source.line,
    raw,
    hostIp: p.hostIp,
    published: p.published,
    target: p.target,
    allInterfaces: p.hostIp === null,
  };
}

function serviceFacts(s: ComposeService, file: string): ComposeServiceFacts {
  const environment = new Map<string, { value: string | null; line?: number }>();
  for (const e of s.environment.values()) environment.set(e.name, { value: e.raw, line: e.source.line });
  return { service: s.name, file, ports: s.ports.map((p) => publishedPort(s.name, file, p)), environment };
}

/**
 * The compose files the front door reads: the deployment's recorded ones when there are (a missing one is
 * then reported as unreadable, as the audit does), else every compose file in the folder.
 */
export async function frontDoorComposeFiles(
  dir: string | FolderReader,
  recorded: readonly string[] = [],
): Promise<string[]> {
  return recorded.length > 0 ? [...recorded] : listComposeFiles(dir);
}

/**
 * Reads the compose files of the folder (here, or on a server through its reader): `recorded` when given
 * (a registered deployment's compose files), else every one there. Ports are interpolated with the folder's
 * `.env`, as compose does (`"${API_PORT:-8000}:8000"`); an entry compose would refuse is left out. Never throws
 * for a file: one that cannot be read or parsed is listed in `unreadable`.
 */
export async function readComposeFacts(
  dir: string | FolderReader,
  recorded: readonly string[] = [],
): Promise<ComposeFacts> {
  const reader = composeFolderReader(dir);
  const files = await frontDoorComposeFiles(reader, recorded);
  const out: ComposeFacts = { files, unreadable: [], services: [] };
  if (files.length === 0) return out;
  const env = await readFolderEnvValues(reader);
  const lookup = (name: string) => env.get(name);
  for (const file of files) {
    try {
      const parsed = parseComposeFile(await readComposeText(reader, file), file, reader.folder, lookup);
      for (const s of parsed.services) out.services.push(serviceFacts(s, file));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.unreadable.push(file);
    }
  }
  return out;
}

/** A value written literally in compose (no `$` reference compose would substitute), so `.env` cannot change it. */
export function isLiteral(value: string | null): boolean {
  return value !== null && isLiteralValue(value);
}
