import type { Finding } from '../../common/model/finding';
import type { Environment } from '../../common/model/deployment';

/**
 * The audit's seam to the `.env` engine (issue 3: `core/envfile` parses, `core/validation` checks).
 * The audit needs two things: the values (to resolve `${VAR}` in compose files and to fingerprint secrets)
 * and check-env's findings. Until the engine is wired in through AuditDeps, `readEnvValues` below is a
 * small reader of compose's `.env` syntax (enough for interpolation), and check-env contributes nothing
 * beyond "the file is missing".
 */
/**
 * `composeRequired`: variables the compose files require with `${VAR:?}` that compose found missing, so that
 * check-env reports them as start failures too (not as advice).
 */
export type EnvValidator = (text: string, environment: Environment, composeRequired?: ReadonlyArray<{ name: string; emptyRefused: boolean }>) => Finding[];
export type EnvReader = (text: string) => Map<string, string>;

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Reads `KEY=value` lines as compose v2 does for interpolation purposes: `export ` prefixes, single quotes
 * literal, double quotes with `\n \t \\ \" \$` escapes, unquoted values cut at ` #` and trimmed.
 * Never throws: a line it cannot read is skipped (check-env reports it).
 */
export const readEnvValues: EnvReader = (text) => {
  const out = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) continue;
    let rest = line.slice(eq + 1).trimStart();
    let value: string;
    const q = rest[0];
    if (q === "'" || q === '"') {
      // quoted values may span lines
      let body = rest.slice(1);
      let end = findClose(body, q);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += '\n' + (lines[i] ?? '');
        end = findClose(body, q);
      }
      if (end < 0) continue;
      const inner = body.slice(0, end);
      value = q === "'" ? inner.replace(/\\'/g, "'") : inner.replace(/\\([nt\\"$])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = rest.trim();
    }
    out.set(key, value);
  }
  return out;
};

function findClose(body: string, q: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === q) return i;
  }
  return -1;
}

/** The fallback validator: nothing beyond what the audit's own rules report. */
export const noEnvValidation: EnvValidator = () => [];
