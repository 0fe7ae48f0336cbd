import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { interpolate, type Lookup } from './interpolate';
import { checkYamlLimits, MAX_COMPOSE_CHARS, MAX_SERVICES } from './yaml-limits';
import { parseLongPort, parseShortPort, PortSyntaxError } from './ports';
import type {
  ComposeArgv,
  ComposeEnvEntry,
  ComposePort,
  ComposeProblem,
  ComposeService,
  ComposeVolume,
  SourceRef,
} from './model';

/**
 * Reads one compose file into service fragments (one per `services:` entry), interpolating the values the
 * audit needs. Merging fragments of several files is merge.ts's job.
 */

/** How an override of a field is to be applied (compose's `!reset` and `!override` tags). */
export type MergeTag = 'reset' | 'override' | undefined;

export interface ServiceFragment extends ComposeService {
  tags: Partial<Record<'ports' | 'environment' | 'volumes' | 'command' | 'entrypoint' | 'healthcheck', MergeTag>>;
}

export interface ParsedComposeFile {
  file: string;
  services: ServiceFragment[];
  problems: ComposeProblem[];
  referenced: string[];
}

/**
 * Parses one compose file.
 * @throws AppError COMPOSE_YAML_INVALID naming the file, line and column of the first syntax error;
 *   COMPOSE_NOT_A_MAPPING when the top level or `services:` is not a mapping; COMPOSE_TOO_LARGE,
 *   COMPOSE_TOO_MANY_ALIASES, COMPOSE_TOO_COMPLEX past the limits of yaml-limits.ts.
 */
export function parseComposeFile(text: string, file: string, folder: string, lookup: Lookup): ParsedComposeFile {
  if (text.length > MAX_COMPOSE_CHARS)
    throw new AppError(
      'COMPOSE_TOO_LARGE',
      `${file} is larger than ${String(MAX_COMPOSE_CHARS / 1024)} KiB, the most a compose file may be, so it is not read. Check that it is the right file.`,
    );
  const lineCounter = new LineCounter();
  // uniqueKeys: false because yaml's own check is quadratic; checkYamlLimits finds duplicates in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const syntax = doc.errors[0];
  const dup = syntax ? null : checkYamlLimits(doc, file);
  const err = syntax
    ? { offset: syntax.pos[0], code: syntax.code as string }
    : dup
      ? { offset: dup.offset, code: 'DUPLICATE_KEY' }
      : null;
  if (err) {
    const at = lineCounter.linePos(err.offset);
    const where = `line ${at.line}, column ${at.col}`;
    throw new AppError(
      'COMPOSE_YAML_INVALID',
      `${file} is not valid YAML (${where}): ${describeYamlError(err.code)}. Fix the file and run the audit again.`,
    );
  }
  const line = (n: Node | null | undefined): number => (n?.range ? lineCounter.linePos(n.range[0]).line : 1);
  const ref = (n: Node | null | undefined): SourceRef => ({ file, line: line(n) });
  const problems: ComposeProblem[] = [];
  const referenced = new Set<string>();

  const interp = (s: string, at: SourceRef, service: string): string => {
    try {
      const r = interpolate(s, lookup);
      for (const v of r.referenced) referenced.add(v);
      for (const v of r.required)
        problems.push({
          code: 'COMPOSE_REQUIRED_VARIABLE_MISSING',
          variable: v,
          service,
          source: at,
          message: `${v} is required by ${file} but has no value; compose refuses to start.`,
        });
      // A bare `$name` without a value is as likely a piece of a hard-coded secret: count those, never name them.
      const bare = r.unset.filter((v) => !r.braced.includes(v)).length;
      for (const v of r.unset)
        if (r.braced.includes(v))
          problems.push({
            code: 'COMPOSE_VARIABLE_NOT_SET',
            variable: v,
            service,
            source: at,
            message: `${v} is referenced in ${file} but not set; compose substitutes an empty string.`,
          });
      if (bare > 0)
        problems.push({
          code: 'COMPOSE_VARIABLE_NOT_SET',
          service,
          source: at,
          message: `${bare === 1 ? 'A "$" reference' : `${bare} "$" references`} in ${file} (line ${at.line}) ${bare === 1 ? 'names a variable that is' : 'name variables that are'} not set; compose substitutes an empty string. Write $$ for a literal dollar sign.`,
        });
      return r.value;
    } catch (e) {
      problems.push({
        code: 'COMPOSE_BAD_INTERPOLATION',
        service,
        source: at,
        message: e instanceof AppError ? e.message : 'invalid interpolation',
      });
      return s;
    }
  };

  const root = doc.contents;
  if (root === null) return { file, services: [], problems, referenced: [] };
  if (!isMap(root))
    throw new AppError('COMPOSE_NOT_A_MAPPING', `${file}: the top level must be a mapping (services:, volumes:, ...).`);
  const servicesNode = root.get('services', true);
  if (servicesNode === undefined || (isScalar(servicesNode) && servicesNode.value === null))
    return { file, services: [], problems, referenced: [] };
  if (!isMap(servicesNode))
    throw new AppError(
      'COMPOSE_NOT_A_MAPPING',
      `${file}, line ${line(servicesNode)}: services: must be a mapping of service names.`,
    );

  if (servicesNode.items.length > MAX_SERVICES)
    throw new AppError(
      'COMPOSE_TOO_COMPLEX',
      `${file} defines ${String(servicesNode.items.length)} services; the app reads at most ${String(MAX_SERVICES)}. Check that it is the right file.`,
    );
  const services: ServiceFragment[] = [];
  for (const pair of servicesNode.items) {
    const name = keyText(pair);
    if (!isMap(pair.value)) continue; // `svc:` with no body, or a non-mapping: compose rejects; nothing to audit
    services.push(readService(name, pair.value, { ref, interp, problems, folder, doc }));
  }
  return { file, services, problems, referenced: [...referenced] };
}

interface Ctx {
  ref: (n: Node | null | undefined) => SourceRef;
  interp: (s: string, at: SourceRef, service: string) => string;
  problems: ComposeProblem[];
  folder: string;
  doc: Document;
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function scalarString(n: unknown): string | null {
  if (!isScalar(n)) return null;
  const v = n.value;
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function tagOf(n: unknown): MergeTag {
  const tag = (n as { tag?: string } | null)?.tag;
  return tag === '!reset' ? 'reset' : tag === '!override' ? 'override' : undefined;
}

function readService(name: string, m: YAMLMap, ctx: Ctx): ServiceFragment {
  const svcRef = ctx.ref(m);
  const s: ServiceFragment = {
    name,
    build: m.has('build'),
    ports: [],
    environment: new Map(),
    envFiles: [],
    volumes: [],
    files: [svcRef.file],
    source: svcRef,
    tags: {},
  };
  for (const pair of m.items) {
    const key = keyText(pair);
    const v = pair.value as Node | null;
    const at = ctx.ref(v ?? (pair.key as Node));
    switch (key) {
      case 'image': {
        const raw = scalarString(v);
        if (raw !== null) s.image = { raw, value: ctx.interp(raw, at, name), source: at };
        break;
      }
      case 'ports':
        s.tags.ports = tagOf(v);
        s.ports = readPorts(name, v, ctx);
        break;
      case 'environment':
        s.tags.environment = tagOf(v);
        s.environment = readEnvironment(name, v, ctx);
        break;
      case 'env_file':
        s.envFiles = readEnvFiles(v, ctx);
        break;
      case 'command':
      case 'entrypoint': {
        s.tags[key] = tagOf(v);
        const argv = readArgv(v, ctx);
        if (argv) s[key] = argv;
        break;
      }
      case 'healthcheck':
        if (isMap(v)) {
          const test = v.get('test', true) as Node | undefined;
          s.tags.healthcheck = tagOf(v);
          const argv = readArgv(test ?? null, ctx);
          if (argv) s.healthcheck = argv;
        }
        break;
      case 'network_mode': {
        const raw = scalarString(v);
        if (raw !== null) s.networkMode = { value: ctx.interp(raw, at, name), source: at };
        break;
      }
      case 'volumes':
        s.tags.volumes = tagOf(v);
        s.volumes = readVolumes(name, v, ctx);
        break;
      case 'restart': {
        const raw = scalarString(v);
        if (raw !== null) s.restart = raw;
        break;
      }
      default:
        break;
    }
  }
  return s;
}

function readPorts(service: string, v: Node | null, ctx: Ctx): ComposePort[] {
  if (!isSeq(v)) return [];
  const out: ComposePort[] = [];
  v.items.forEach((item, index) => {
    const at = ctx.ref(item as Node);
    try {
      if (isMap(item)) {
        const plain: Record<string, unknown> = {};
        for (const p of item.items) {
          const raw = scalarString(p.value);
          plain[keyText(p)] = raw === null ? undefined : ctx.interp(raw, at, service);
        }
        const parsed = parseLongPort(plain);
        const summary = ['target', 'published', 'host_ip', 'protocol']
          .filter((k) => plain[k] !== undefined)
          .map((k) => `${k}: ${String(plain[k])}`)
          .join(', ');
        out.push({ ...parsed, raw: `{ ${summary} }`, syntax: 'long', source: at, index });
      } else {
        const raw = scalarString(item);
        if (raw === null) throw new PortSyntaxError('empty entry');
        out.push({ ...parseShortPort(ctx.interp(raw, at, service)), raw, syntax: 'short', source: at, index });
      }
    } catch (e) {
      if (!(e instanceof PortSyntaxError)) throw e;
      ctx.problems.push({
        code: 'COMPOSE_BAD_PORT',
        service,
        source: at,
        message: `Service ${service}: ports entry ${index + 1} is not valid (${e.message}); compose refuses the file.`,
      });
    }
  });
  return out;
}

function readEnvironment(service: string, v: Node | null, ctx: Ctx): Map<string, ComposeEnvEntry> {
  const env = new Map<string, ComposeEnvEntry>();
  if (isSeq(v)) {
    for (const item of v.items) {
      const text = scalarString(item);
      if (text === null) continue;
      const at = ctx.ref(item as Node);
      const eq = text.indexOf('=');
      const name = (eq < 0 ? text : text.slice(0, eq)).trim();
      const raw = eq < 0 ? null : text.slice(eq + 1);
      env.set(name, {
        name,
        raw,
        value: raw === null ? null : ctx.interp(raw, at, service),
        syntax: 'list',
        source: at,
      });
    }
  } else if (isMap(v)) {
    for (const pair of v.items) {
      const name = keyText(pair);
      const at = ctx.ref((pair.value as Node | null) ?? (pair.key as Node));
      const raw = scalarString(pair.value);
      env.set(name, {
        name,
        raw,
        value: raw === null ? null : ctx.interp(raw, at, service),
        syntax: 'map',
        source: at,
      });
    }
  }
  return env;
}

function readEnvFiles(v: Node | null, ctx: Ctx): Array<{ path: string; source: SourceRef }> {
  const items = isSeq(v) ? v.items : v ? [v] : [];
  const out: Array<{ path: string; source: SourceRef }> = [];
  for (const item of items) {
    const path = isMap(item) ? scalarString(item.get('path', true)) : scalarString(item);
    if (path !== null) out.push({ path, source: ctx.ref(item as Node) });
  }
  return out;
}

function readArgv(v: Node | null, ctx: Ctx): ComposeArgv | undefined {
  if (isSeq(v)) return { raw: v.items.map((i) => scalarString(i) ?? ''), form: 'list', source: ctx.ref(v) };
  const s = scalarString(v);
  return s === null ? undefined : { raw: [s], form: 'string', source: ctx.ref(v) };
}

function readVolumes(service: string, v: Node | null, ctx: Ctx): ComposeVolume[] {
  if (!isSeq(v)) return [];
  const out: ComposeVolume[] = [];
  for (const [index, item] of v.items.entries()) {
    const at = ctx.ref(item as Node);
    if (isMap(item)) {
      const type = scalarString(item.get('type', true)) ?? 'volume';
      const src = scalarString(item.get('source', true));
      const target = scalarString(item.get('target', true)) ?? '';
      const ro = item.get('read_only') === true;
      const t = type === 'bind' || type === 'volume' || type === 'tmpfs' ? type : 'other';
      const resolved = src === null ? null : ctx.interp(src, at, service);
      out.push({
        raw: `{ type: ${type}, source: ${src ?? ''}, target: ${target} }`,
        type: t,
        hostSource: t === 'bind' && resolved !== null ? resolve(ctx.folder, resolved) : resolved,
        target,
        readOnly: ro,
        source: at,
        index,
      });
      continue;
    }
    const raw = scalarString(item);
    if (raw === null) continue;
    const parts = ctx.interp(raw, at, service).split(':');
    // `C:\path:/target` on Windows hosts: a drive letter is not a separator.
    if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0] ?? '') && (parts[1] ?? '').startsWith('\\'))
      parts.splice(0, 2, `${parts[0] ?? ''}:${parts[1] ?? ''}`);
    if (parts.length === 1) {
      out.push({ raw, type: 'volume', hostSource: null, target: parts[0] ?? '', readOnly: false, source: at, index });
      continue;
    }
    const [src = '', target = '', mode = ''] = parts;
    const isPath = src.startsWith('.') || src.startsWith('/') || src.startsWith('~') || isAbsolute(src);
    out.push({
      raw,
      type: isPath ? 'bind' : 'volume',
      hostSource: isPath ? resolve(ctx.folder, src) : src,
      target,
      readOnly: mode.split(',').includes('ro'),
      source: at,
      index,
    });
  }
  return out;
}

function describeYamlError(code: string): string {
  const known: Record<string, string> = {
    BAD_INDENT: 'the indentation is wrong',
    MISSING_CHAR: 'a closing quote or bracket is missing',
    DUPLICATE_KEY: 'a key appears twice in the same mapping',
    BLOCK_AS_IMPLICIT_KEY: 'a mapping key is not where one is expected',
    MULTILINE_IMPLICIT_KEY: 'a key spans more than one line (often a missing colon or a stray indent)',
    TAB_AS_INDENT: 'a tab character is used for indentation (YAML needs spaces)',
    UNEXPECTED_TOKEN: 'unexpected text',
    BAD_SCALAR_START: 'a value starts with a character YAML reserves (quote it)',
  };
  return known[code] ?? `YAML error ${code}`;
}
