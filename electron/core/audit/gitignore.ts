/**
 * The lines the app writes to a deployment's `.gitignore` (audit fix, setup), each with a file name it must
 * match. Beside `.env` and its timestamped copies: the rotation's export and SQL files and the database dump
 * taken before a rotation, should one be left in the deployment folder (rotation writes its export and SQL
 * under the app home now; older versions and admin-chosen paths put them here). The export holds every
 * user's provider-key ciphertexts — plaintext in effect when the old key was Crucible's public fallback.
 */
export const APP_GITIGNORE_ENTRIES: ReadonlyArray<{ line: string; probe: string }> = [
  { line: '.env', probe: '.env' },
  { line: '.env.bak-*', probe: '.env.bak-20260101T000000000Z' },
  { line: 'crucible-user-settings-export*.json', probe: 'crucible-user-settings-export.json' },
  { line: 'crucible-reencrypt*.sql', probe: 'crucible-reencrypt.sql' },
  { line: 'roundtable-before-rotation*.sql', probe: 'roundtable-before-rotation.sql' },
  // The incident runbook's evidence folder: logs that hold the Redis URL, a copy of .env, a database dump.
  { line: 'incident-evidence-*', probe: 'incident-evidence-20260101-abcd' },
];

/**
 * Plaintext database dumps: what `pg_dump > file` leaves (the old rotation's `roundtable-before-rotation.sql`,
 * the incident runbook's `roundtable.sql`, an admin's `backup.sql`/`.dump`). The app's own dumps are encrypted
 * (`.age`) under its folder.
 */
export const PLAINTEXT_DUMP = /^[^/]*\.(sql|dump|pgdump)(\.gz|\.bz2|\.xz|\.zst)?$/i;

/** Rotation files holding provider-key ciphertexts that must not stay in a deployment folder. */
export const ROTATION_LEFTOVER = /^(crucible-user-settings-export.*\.json|crucible-reencrypt.*\.sql)$/;

/**
 * Whether a `.gitignore` ignores a file at the top of its folder, for folders that are not (yet) a git
 * repository. Inside a repository the audit asks git itself (`git check-ignore`). Supports what matters
 * for a top-level file: `#` comments, `!` negation (last match wins), leading `/`, `**` prefixes, `*`, `?`
 * and `[...]` classes, trailing-space trimming. Directory-only patterns (`foo/`) never match a file.
 */
export function gitignoreIgnores(text: string, name: string): boolean {
  let ignored = false;
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    if (line.endsWith('/')) continue;
    line = line.replace(/^\/+/, '').replace(/^(\*\*\/)+/, '');
    if (line.includes('/')) continue; // a path below the top level
    if (globToRegex(line).test(name)) ignored = !negate;
  }
  return ignored;
}

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += (glob[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
