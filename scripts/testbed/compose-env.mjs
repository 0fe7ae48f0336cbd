// What docker compose would hand the api container: the `.env` read the Compose v2 way, the compose files'
// `environment:` for a service interpolated against it. Written independently of the app's own parsers
// (electron/core/envfile, electron/core/compose) on purpose: the bed judges the app, so it must not share
// its bugs.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

/** Compose v2 `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?m}`, `${VAR?m}`, `$VAR`, `$$` interpolation. */
export function interpolate(text, vars) {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, name, op, arg, bare) => {
      if (m === '$$') return '$';
      if (bare !== undefined) return vars[bare] ?? '';
      const v = vars[name];
      const unsetOrEmpty = v === undefined || v === '';
      switch (op) {
        case undefined:
          return v ?? '';
        case ':-':
          return unsetOrEmpty ? interpolate(arg, vars) : v;
        case '-':
          return v === undefined ? interpolate(arg, vars) : v;
        case ':+':
          return unsetOrEmpty ? '' : interpolate(arg, vars);
        case '+':
          return v === undefined ? '' : interpolate(arg, vars);
        case ':?':
          if (unsetOrEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return v;
        case '?':
          if (v === undefined) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return v;
        default:
          return m;
      }
    },
  );
}

/** Parses a `.env` the Compose v2 way: single quotes literal, double quotes with escapes, others interpolated. */
export function parseDotenv(text) {
  const vars = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let rest = line.slice(eq + 1).trimStart();
    let value;
    if (rest.startsWith("'") || rest.startsWith('"')) {
      const q = rest[0];
      let body = rest.slice(1);
      // Quoted values may span lines.
      while (!closingQuote(body, q) && i + 1 < lines.length) body += '\n' + lines[++i];
      const end = closingQuote(body, q);
      const raw = end === null ? body : body.slice(0, end);
      value =
        q === "'"
          ? raw
          : interpolate(
              raw.replace(/\\([\\"nrt$])/g, (_, c) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? (c === '$' ? '$$' : c)),
              vars,
            );
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = interpolate(rest.trim(), vars);
    }
    vars[key] = value;
  }
  return vars;
}

function closingQuote(body, q) {
  for (let j = 0; j < body.length; j++) {
    if (q === '"' && body[j] === '\\') {
      j++;
      continue;
    }
    if (body[j] === q) return j;
  }
  return null;
}

/** The compose files a command reads: its `-f` options, else the default file plus an override. */
export function composeFiles(folder, fileArgs) {
  if (fileArgs.length > 0) return fileArgs.map((f) => (isAbsolute(f) ? f : join(folder, f)));
  const main = DEFAULT_FILES.map((f) => join(folder, f)).find((f) => existsSync(f));
  if (!main) return [];
  const override = OVERRIDE_FILES.map((f) => join(folder, f)).find((f) => existsSync(f));
  return override ? [main, override] : [main];
}

function envEntries(environment) {
  if (!environment) return [];
  if (Array.isArray(environment)) {
    return environment.map((item) => {
      const s = String(item);
      const eq = s.indexOf('=');
      return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
    });
  }
  return Object.entries(environment).map(([k, v]) => [k, v === null ? undefined : String(v)]);
}

/**
 * The service's resolved `environment:` and `volumes:` across the files (later files win per key, as compose
 * merges them), interpolated with `vars`. A bare `KEY` takes the value from `vars` when set.
 * @throws Error with compose's wording when a file is missing or a required variable has no value.
 */
export function serviceConfig(files, service, vars) {
  const environment = {};
  const volumes = [];
  let found = false;
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`open ${file}: no such file or directory`);
    const doc = parseYaml(readFileSync(file, 'utf8')) ?? {};
    const svc = doc.services?.[service];
    if (!svc) continue;
    found = true;
    for (const [k, v] of envEntries(svc.environment)) {
      if (v === undefined) {
        if (vars[k] !== undefined) environment[k] = vars[k];
      } else environment[k] = interpolate(v, vars);
    }
    for (const v of svc.volumes ?? []) volumes.push(typeof v === 'string' ? interpolate(v, vars) : v);
  }
  return { found, environment, volumes };
}
