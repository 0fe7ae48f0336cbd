import { open, readFile, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import type { EnvFilePort } from './ports';

/**
 * INTERIM `.env` access for restore, used until core/envfile's editor (issue 3) is wired in its place.
 * Follows reference/env-quoting.md §4: values are written single-quoted; values that cannot be written safely
 * that way (`'`, `\`, `${`, NUL, CR, LF) are refused with a clear message; every line we do not manage is
 * kept byte for byte.
 */

const KEY_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/;

function parseValue(v: string): string {
  v = v.trim();
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    return end > 0 ? v.slice(1, end) : v;
  }
  if (v.startsWith('"')) {
    const body = /^"((?:[^"\\]|\\.)*)"/.exec(v)?.[1];
    return body === undefined ? v : body.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
  }
  return v.replace(/\s+#.*$/, '');
}

/** Why a value cannot be written single-quoted; null when it can. Never includes the value. */
export function unsafeForEnv(value: string): string | null {
  if (value.includes("'")) return 'it contains a single quote';
  if (value.includes('\\')) return 'it contains a backslash';
  if (value.includes('${')) return 'it contains "${"';
  if (/[\0\r\n]/.test(value)) return 'it contains a line break or NUL';
  return null;
}

async function readEnv(path: string): Promise<string | null> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | ((constants.O_NOFOLLOW as number | undefined) ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new AppError('ENV_SYMLINK_REFUSED', 'The .env file is a symbolic link; the app only writes regular files. Replace the link with the file itself.');
    throw new AppError('ENV_UNREADABLE', `The .env file cannot be read (${code ?? 'EIO'}).`);
  }
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

export function interimEnvFile(): EnvFilePort {
  return {
    async read(folder) {
      const text = await readEnv(join(folder, '.env'));
      if (text === null) return null;
      const values = new Map<string, string>();
      for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
        const m = KEY_LINE.exec(line);
        if (m) values.set(m[1] ?? '', parseValue(m[2] ?? ''));
      }
      return { values, sha256: sha256(text) };
    },

    async write(folder, values, expectedSha256) {
      for (const [k, v] of Object.entries(values)) {
        const why = unsafeForEnv(v);
        if (why) throw new AppError('ENV_UNSAFE_VALUE', `The value of ${k} cannot be written to .env safely (${why}). Restore it to the keychain only and set it in .env by hand.`);
      }
      const path = join(folder, '.env');
      const before = await readEnv(path);
      const lines = before === null ? [] : before.split('\n');
      if (before !== null && lines[lines.length - 1] === '') lines.pop();
      const pending = new Map(Object.entries(values));
      const out = lines.map((line) => {
        const key = KEY_LINE.exec(line)?.[1];
        if (key === undefined || !pending.has(key)) return line;
        const v = values[key] ?? '';
        pending.delete(key);
        return `${key}='${v}'`;
      });
      for (const [k, v] of pending) out.push(`${k}='${v}'`);
      const text = out.join('\n') + '\n';
      await writeFileAtomic(path, text, { expectedSha256, keepPrevious: false });
      const written = sha256(text);
      return async () => {
        if (before === null) {
          if ((await readFile(path, 'utf8').then(sha256, () => null)) === written) await unlink(path);
          return;
        }
        await writeFileAtomic(path, before, { expectedSha256: written, keepPrevious: false });
      };
    },
  };
}
