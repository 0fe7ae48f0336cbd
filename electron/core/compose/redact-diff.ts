/**
 * A diff of a compose file shows lines of the admin's file around each change (3 lines of context), and
 * the api's `environment:` block puts the JWT secrets, the database URL and the encryption key right next
 * to the lines the app edits. Any diff that leaves core for the renderer, the CLI or a report passes here
 * first, so a secret hard-coded as a literal is never shown. Three nets, each over-redacting rather than
 * under-redacting:
 * - a line holding a known secret value (from `.env`) is withheld whole;
 * - `NAME=value` / `NAME: value` where NAME holds a secret (the names the caller gives from the profile, and any
 *   name that looks like a credential) keeps the name and withholds a literal value (a `${…}` reference
 *   stays visible: it is what the admin must check);
 * - a password inside a URL (`scheme://user:password@host`) is withheld unless it is a `${…}` reference.
 */

export interface DiffSecrets {
  /** Variables that hold secrets: the stack profile's (audit/secret-variables.ts `diffSecretNames`) and the audit's. */
  names?: Iterable<string>;
  /** Known secret values (e.g. the `.env`'s secret values); values shorter than 6 characters are ignored. */
  values?: Iterable<string>;
}

/** A name that looks like a credential whoever wrote it. */
const LOOKS_SECRET = /(PASSWORD|PASSWD|SECRET|_KEY|TOKEN|CREDENTIALS?)$/i;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)([^\s@'"]+)@/gi;
// `${NAME}`, `${NAME:?message}`, `$NAME`: a reference with no literal default (`${NAME:-literal}` hides one).
const REFERENCE_ONLY = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*)$/;
// A secret on a command line: `--requirepass literal`, `--password=literal`.
const FLAG_SECRET =
  /(--?(?:requirepass|masterauth|password|passwd|pass|token|secret|api-key)(?:=|\s+))(["']?)([^\s"']+)\2/gi;
// A compose entry in a diff line: the diff marker, an optional list dash, an optional quote, the name, `=` or `:`.
const ENTRY = /^([ +-]\s*(?:-\s*)?["']?)([A-Za-z_][A-Za-z0-9_.-]*)(["']?\s*[=:][ \t]*)(\S.*)$/;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function withholdShapes(line: string): string {
  return line
    .replace(URL_PASSWORD, (all, head: string, password: string) =>
      REFERENCE_ONLY.test(password) ? all : `${head}[value withheld]@`,
    )
    .replace(FLAG_SECRET, (all, flag: string, quote: string, value: string) =>
      REFERENCE_ONLY.test(value) ? all : `${flag}${quote}[value withheld]${quote}`,
    );
}

/**
 * The diff with every secret withheld (see above). `---`/`+++` file headers are kept as they are.
 */
export function redactDiff(diff: string, secrets: DiffSecrets = {}): string {
  const names = new Set<string>(secrets.names ?? []);
  const values = [...new Set(secrets.values ?? [])].filter((v) => v.length >= 6);
  const named = names.size > 0 ? new RegExp(`^(?:${[...names].map(escapeRe).join('|')})$`) : null;
  const isSecretName = (n: string) => LOOKS_SECRET.test(n) || (named?.test(n) ?? false);
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++') || line.startsWith('@@')) return line;
      if (values.some((v) => line.includes(v))) return `${line[0] ?? ' '}[line withheld: it contains a secret value]`;
      const m = ENTRY.exec(line);
      if (m && isSecretName(m[2] ?? '')) {
        const value = (m[4] ?? '').replace(/["']\s*$/, '').trim();
        // Only a value that is purely a reference is shown; `${A}literal` still hides the literal part.
        if (!REFERENCE_ONLY.test(value.replace(/^["']/, '')))
          return `${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ''}[value withheld]`;
      }
      return withholdShapes(line);
    })
    .join('\n');
}
