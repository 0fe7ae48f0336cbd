import type { ParsedPort } from './ports';

/**
 * The parts of a compose project the audit looks at, after interpolation and merging. Every element keeps
 * where it was written (`source`) so findings can point at a file and a line, and fixes edit that file.
 * `raw` fields hold the text as written (with `${VAR}` references, never substituted values) and are the
 * only ones that may be quoted as evidence; resolved values may contain secrets and stay in memory.
 */
export interface SourceRef {
  /** File name relative to the deployment folder. */
  file: string;
  /** 1-based line. */
  line: number;
}

export interface ComposePort extends ParsedPort {
  /** The entry as written (`"127.0.0.1:8000:8000"`), or a summary of a long-syntax mapping. */
  raw: string;
  syntax: 'short' | 'long';
  source: SourceRef;
  /** Position of the entry in the `ports:` list of the file that defines it (used by the YAML editor). */
  index: number;
}

export interface ComposeEnvEntry {
  name: string;
  /** The value as written, before interpolation; null for `- NAME` (taken from compose's own environment). */
  raw: string | null;
  /** The value after interpolation; null when not given. Never logged or shown. */
  value: string | null;
  syntax: 'list' | 'map';
  source: SourceRef;
}

export interface ComposeArgv {
  /** The argument words as written (`["CMD", "redis-cli", "-a", "${REDIS_PASSWORD}", "ping"]`) or the string form. */
  raw: string[];
  form: 'string' | 'list';
  source: SourceRef;
}

export interface ComposeVolume {
  raw: string;
  type: 'bind' | 'volume' | 'tmpfs' | 'other';
  /** Host path (bind, resolved against the deployment folder) or volume name. */
  hostSource: string | null;
  target: string;
  readOnly: boolean;
  source: SourceRef;
  /** Position in its file's `volumes:` list (what a fix edits). */
  index: number;
}

export interface ComposeService {
  name: string;
  image?: { raw: string; value: string; source: SourceRef };
  build: boolean;
  ports: ComposePort[];
  environment: Map<string, ComposeEnvEntry>;
  envFiles: Array<{ path: string; source: SourceRef }>;
  command?: ComposeArgv;
  entrypoint?: ComposeArgv;
  healthcheck?: ComposeArgv;
  networkMode?: { value: string; source: SourceRef };
  volumes: ComposeVolume[];
  restart?: string;
  /** Files that define or override this service, in merge order. */
  files: string[];
  source: SourceRef;
}

/** Something compose itself would reject or warn about, found while loading. */
export interface ComposeProblem {
  code:
    | 'COMPOSE_BAD_PORT'
    | 'COMPOSE_BAD_INTERPOLATION'
    | 'COMPOSE_REQUIRED_VARIABLE_MISSING'
    | 'COMPOSE_VARIABLE_NOT_SET'
    | 'COMPOSE_UNSUPPORTED';
  message: string;
  service?: string;
  variable?: string;
  source: SourceRef;
}

export interface ComposeProject {
  folder: string;
  /** The files read, in merge order, relative to the folder. */
  files: string[];
  services: ComposeService[];
  problems: ComposeProblem[];
  /** Every variable the files refer to. */
  referenced: string[];
}
