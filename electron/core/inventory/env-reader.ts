import type { EnvReader } from './drift';

/**
 * INTERIM `.env` reader for drift, used until core/envfile's parser (issue 3) is wired in its place.
 * It reads what docker compose would hand on for the common forms: `KEY=value`, `export KEY=value`,
 * 'single quoted' (literal), "double quoted" (\n, \", \\ escapes), unquoted with a ` #` comment.
 * No `${…}` interpolation and no multi-line values: such values show as "differs", never as in sync.
 */
export const interimEnvReader: EnvReader = (text) => {
  const out = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1] ?? '';
    let v = (m[2] ?? '').trim();
    if (v.startsWith("'")) {
      const end = v.indexOf("'", 1);
      v = end > 0 ? v.slice(1, end) : v;
    } else if (v.startsWith('"')) {
      const body = /^"((?:[^"\\]|\\.)*)"/.exec(v)?.[1];
      v = body === undefined ? v : body.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(key, v);
  }
  return out;
};
