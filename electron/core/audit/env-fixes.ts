import { AppError } from '../../common/errors';
import { readEnvFile, type EnvChange, type EnvDoc, type EnvEntry } from '../envfile';
import { singleQuoteLiteral } from './env-fix-rules';
import { assertHashablePassword, hashPassword, isBcryptHash } from '../hashing';
import { serviceFor, type Keychain } from '../keychain/keychain';

/**
 * The fixes that edit `.env` (fix-ids.ts `env-hash-login-password`, `env-single-quote`). Both go through the
 * `.env` editor (envfile/edit.ts), which rewrites only the one statement, writes it single-quoted and
 * re-reads the result with compose's and python-dotenv's rules before anything is written.
 */

/** The statement compose and python-dotenv use: the last one of the key. */
export function lastEntry(doc: EnvDoc, variable: string): EnvEntry | undefined {
  return doc.entries.filter((e) => e.key === variable).at(-1);
}

export interface EnvFixPlan {
  title: string;
  /** The change for the `.env` editor (holds the value: stays in core). */
  change: EnvChange;
  /** The SHA-256 of the file the change is based on (writeEnvFile refuses another). */
  beforeSha256: string;
  /** A diff of the one statement with secret values described, never shown. */
  diff: string;
}

export interface EnvFixOptions {
  /** Variables whose values are secrets: their values are described in the preview, never shown. */
  secretVariables: ReadonlySet<string>;
  /** bcrypt hashing as setup does it (hashing/bcrypt.ts, cost 12); tests may inject a cheaper one. */
  hash?: (password: string) => Promise<string>;
}

function shown(variable: string, value: string, secret: boolean, quoted: boolean): string {
  if (isBcryptHash(value)) return `${variable}='${value.slice(0, 7)}…' (bcrypt hash, ${value.length} characters)`;
  if (secret)
    return `${variable}=${quoted ? "'[value withheld]'" : '[value withheld]'} (${String(Array.from(value).length)} characters)`;
  return `${variable}=${quoted ? `'${value}'` : value}`;
}

function oneLineDiff(entry: EnvEntry, before: string, after: string): string {
  return `--- .env\n+++ .env\n@@ -${entry.line} +${entry.line} @@\n-${before}\n+${after}\n`;
}

/**
 * Plans one `.env` fix against the file on disk.
 * @throws AppError FIX_STALE (no `.env`, or the variable is gone), FIX_NOTHING_TO_DO (already hashed or
 *   quoted), FIX_NOT_SAFE (a value that cannot be carried over faithfully, with the reason), HASH_* for a
 *   password bcrypt cannot take, ENV_* from reading the file.
 */
export async function planEnvFix(
  path: string,
  kind: 'env-hash-login-password' | 'env-single-quote',
  variable: string,
  options: EnvFixOptions,
): Promise<EnvFixPlan> {
  let read;
  try {
    read = await readEnvFile(path);
  } catch (e) {
    if (e instanceof AppError && e.code === 'ENV_FILE_NOT_FOUND')
      throw new AppError('FIX_STALE', '.env no longer exists; run the audit again.');
    throw e;
  }
  const entry = lastEntry(read.doc, variable);
  if (!entry) throw new AppError('FIX_STALE', `${variable} is no longer set in .env; run the audit again.`);
  const secret = options.secretVariables.has(variable);
  if (kind === 'env-single-quote') {
    if (entry.quote === 'single')
      throw new AppError('FIX_NOTHING_TO_DO', `${variable} is already single-quoted in .env.`);
    const literal = singleQuoteLiteral(entry);
    if (literal === null)
      throw new AppError(
        'FIX_NOT_SAFE',
        `The value of ${variable} holds escapes, "$$", "\${" or a quote, so the app cannot tell which characters were meant. Edit the line by hand: ${variable}='…' with the exact characters.`,
      );
    const diff = oneLineDiff(
      entry,
      `${shown(variable, literal, secret, entry.quote === 'double')}   (compose reads it changed)`,
      shown(variable, literal, secret, true),
    );
    return {
      title: `Single-quote ${variable} in .env so "$" is kept`,
      change: { op: 'set', key: variable, value: literal },
      beforeSha256: read.sha256,
      diff,
    };
  }
  const plain = entry.value;
  if (isBcryptHash(plain)) throw new AppError('FIX_NOTHING_TO_DO', `${variable} already holds a bcrypt hash.`);
  if (entry.pythonValue !== plain)
    throw new AppError(
      'FIX_NOT_SAFE',
      `Compose and python-dotenv read ${variable} differently, so the app cannot tell which password to hash. Set it with crucible-secrets hash-password instead.`,
    );
  assertHashablePassword(plain);
  const hash = await (options.hash ?? ((p: string) => hashPassword(p)))(plain);
  if (!isBcryptHash(hash))
    throw new AppError('HASH_FAILED', 'The bcrypt library produced an unexpected hash format; nothing was written.');
  const diff = oneLineDiff(
    entry,
    shown(variable, plain, true, entry.quote !== 'none'),
    shown(variable, hash, true, true),
  );
  return {
    title: `Store the bcrypt hash of ${variable} in .env`,
    change: { op: 'set', key: variable, value: hash },
    beforeSha256: read.sha256,
    diff,
  };
}

/**
 * After the login password in `.env` was replaced by its hash: the keychain holds what `.env` holds
 * (hashing/stored-form.ts), so a keychain entry that still holds the same plain password follows. An entry
 * holding something else is left alone (drift, which the Secrets page reports and repairs).
 * @returns whether the keychain entry was updated.
 */
export async function keychainFollowsHash(
  kc: Keychain,
  deploymentId: string,
  variable: string,
  plain: string,
  hash: string,
): Promise<boolean> {
  const service = serviceFor(deploymentId);
  if ((await kc.get(service, variable)) !== plain) return false;
  await kc.set(service, variable, hash);
  return true;
}
