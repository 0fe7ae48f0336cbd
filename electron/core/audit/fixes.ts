import { chmod, lstat, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, normalize, sep } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import { keepPreviousVersion } from '../fs/previous-versions';
import { readBoundedText } from '../fs/read-bounded';
import { referencedVariables } from '../compose/interpolate';
import { bindPortToLoopback, makeVolumeReadOnly, replaceEnvironmentValue, unifiedDiff } from '../compose/yaml-edit';
import { APP_GITIGNORE_ENTRIES, gitignoreIgnores } from './gitignore';
import { parseFixId } from './fix-ids';
import { planEnvFix, type EnvFixOptions } from './env-fixes';
import { writeEnvFile, type EnvChange } from '../envfile';
import type { AuditContext } from './types';

/**
 * The safe fixes: each is planned as a preview (a unified diff, or the mode change) and applied only as
 * planned. Apply re-plans from the file on disk and refuses when the result differs from what the admin
 * saw (`token`), then writes with writeFileAtomic guarded by the SHA-256 of the text it was based on.
 */
export interface FixPlan {
  fixId: string;
  title: string;
  /** Relative to the deployment folder. */
  file: string;
  kind: 'edit' | 'chmod';
  /** Unified diff (edit) or a one-line description (chmod). */
  diff: string;
  /** Identifies exactly this change: apply refuses a different one. */
  token: string;
  before: string | null;
  after: string | null;
  beforeSha256: string | null;
  /** The file's permission bits today (kept for edits of non-secret files such as compose files). */
  mode: number | null;
  /** `.env` fixes: the change for the `.env` editor (holds a value: never leaves core; before/after stay null). */
  envChange?: EnvChange;
}

/** Options of the `.env` fixes: the bcrypt hashing, and where the previous `.env` is kept (null: nowhere). */
export type FixOptions = Pick<EnvFixOptions, 'hash'> & { keepPreviousIn?: string | null };

/** A relative name inside the folder, never `..`, absolute, or through a separator trick. */
function confined(folder: string, file: string): string {
  const n = normalize(file);
  if (file === '' || isAbsolute(file) || n.startsWith('..') || n.split(sep).includes('..'))
    throw new AppError('FIX_BAD_TARGET', 'The fix names a file outside the deployment folder; nothing was changed.');
  return join(folder, n);
}

async function readTarget(path: string): Promise<{ text: string | null; mode: number | null }> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink())
      throw new AppError(
        'FS_SYMLINK_REFUSED',
        'The file to fix is a symbolic link; the app only changes regular files. Replace the link with the file itself.',
      );
    if (!st.isFile()) throw new AppError('FS_NOT_A_FILE', 'The file to fix is not a regular file.');
    // Bounded (read-bounded.ts): a file swapped for a FIFO or grown huge since the audit is refused, not read.
    const name = basename(path);
    const kind = name === '.gitignore' ? 'gitignore' : name.startsWith('.env') ? 'env' : 'compose';
    return { text: await readBoundedText(path, kind), mode: st.mode & 0o777 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e instanceof AppError && e.code === 'FILE_NOT_FOUND'))
      return { text: null, mode: null };
    throw e;
  }
}

/** The value that replaces a hard-coded `environment:` entry: `${VAR}`, keeping a safe literal as the default. */
export function referenceFor(variable: string, literal: string | null, secret: boolean): string {
  if (secret || literal === null || literal === '' || /[$}\n]/.test(literal)) return `\${${variable}}`;
  return `\${${variable}:-${literal}}`;
}

export const GITIGNORE_LINES = APP_GITIGNORE_ENTRIES.map((e) => e.line);

function gitignoreAfter(before: string | null): string {
  const text = before ?? '';
  const missing = APP_GITIGNORE_ENTRIES.filter((e) => !gitignoreIgnores(text, e.probe)).map((e) => e.line);
  if (missing.length === 0) return text;
  const sepNl = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${sepNl}${text === '' ? '' : '\n'}# Secrets of this deployment (added by Crucible Secrets)\n${missing.join('\n')}\n`;
}

/**
 * Plans a fix against the files on disk.
 * @throws AppError FIX_UNKNOWN for a fixId the app does not make; FIX_BAD_TARGET; COMPOSE_EDIT_* when the
 *   compose entry cannot be rewritten; FIX_NOTHING_TO_DO when the file already says what the fix would write.
 */
export async function planFix(ctx: AuditContext, fixId: string, options: FixOptions = {}): Promise<FixPlan> {
  const parsed = parseFixId(fixId);
  if (!parsed) throw new AppError('FIX_UNKNOWN', 'This fix is not one the app knows; run the audit again.');
  const folder = ctx.target.folder;
  if (parsed.kind === 'env-hash-login-password' || parsed.kind === 'env-single-quote') {
    const file = ctx.env.file;
    const path = confined(folder, file);
    await readTarget(path); // refuses a symlink or a non-file before the .env editor reads it
    const p = await planEnvFix(path, parsed.kind, parsed.variable, {
      secretVariables: ctx.secretVariables,
      ...(options.hash ? { hash: options.hash } : {}),
    });
    // A bcrypt hash has a fresh salt each time: the token binds the kind of change and the file it is based on.
    return {
      fixId,
      title: p.title,
      file,
      kind: 'edit',
      diff: p.diff,
      token: sha256(`${fixId}|${p.beforeSha256}`),
      before: null,
      after: null,
      beforeSha256: p.beforeSha256,
      mode: 0o600,
      envChange: p.change,
    };
  }
  if (parsed.kind === 'chmod-600') {
    if (parsed.file !== '.env' && !/^\.env\.bak-[A-Za-z0-9._-]+$/.test(parsed.file))
      throw new AppError('FIX_BAD_TARGET', 'Only .env and its backups are changed to mode 600.');
    const path = confined(folder, parsed.file);
    const { mode } = await readTarget(path);
    if (mode === null) throw new AppError('FIX_STALE', `${parsed.file} no longer exists; run the audit again.`);
    const line = `chmod 600 ${parsed.file}   (mode ${mode.toString(8).padStart(3, '0')} → 600: only your account can read it)`;
    return {
      fixId,
      title: `Restrict ${parsed.file} to mode 600`,
      file: parsed.file,
      kind: 'chmod',
      diff: line,
      token: sha256(`${fixId}|${String(mode)}`),
      before: null,
      after: null,
      beforeSha256: null,
      mode,
    };
  }
  if (parsed.kind === 'gitignore-env') {
    const path = confined(folder, '.gitignore');
    const { text, mode } = await readTarget(path);
    const after = gitignoreAfter(text);
    if (after === (text ?? ''))
      throw new AppError('FIX_NOTHING_TO_DO', '.gitignore already ignores .env and its backups.');
    return plan(fixId, 'Add .env and its backups to .gitignore', '.gitignore', text, after, mode);
  }
  if (!ctx.compose?.files.includes(parsed.file))
    throw new AppError(
      'FIX_BAD_TARGET',
      `${parsed.file} is not one of this deployment's compose files; run the audit again.`,
    );
  const path = confined(folder, parsed.file);
  const { text, mode } = await readTarget(path);
  if (text === null) throw new AppError('FIX_STALE', `${parsed.file} no longer exists; run the audit again.`);
  if (parsed.kind === 'bind-loopback') {
    const after = bindPortToLoopback(text, parsed.service, parsed.index);
    return plan(fixId, `Bind the ${parsed.service} port to 127.0.0.1`, parsed.file, text, after, mode);
  }
  if (parsed.kind === 'mount-readonly') {
    const after = makeVolumeReadOnly(text, parsed.service, parsed.index);
    return plan(fixId, `Mount .env read-only in ${parsed.service}`, parsed.file, text, after, mode);
  }
  const entry = ctx.compose.services.find((s) => s.name === parsed.service)?.environment.get(parsed.variable);
  const literal = entry?.raw ?? null;
  if (literal !== null && referencedVariables(literal).includes(parsed.variable))
    throw new AppError('FIX_NOTHING_TO_DO', `${parsed.variable} already comes from .env.`);
  const value = referenceFor(parsed.variable, literal, ctx.secretVariables.has(parsed.variable));
  const after = replaceEnvironmentValue(text, parsed.service, parsed.variable, value);
  return plan(fixId, `Let .env decide ${parsed.variable} for ${parsed.service}`, parsed.file, text, after, mode);
}

function plan(
  fixId: string,
  title: string,
  file: string,
  before: string | null,
  after: string,
  mode: number | null,
): FixPlan {
  return {
    fixId,
    title,
    file,
    kind: 'edit',
    diff: unifiedDiff(file, before ?? '', after),
    token: sha256(`${fixId}|${before ?? ''}|${after}`),
    before,
    after,
    beforeSha256: before === null ? null : sha256(before),
    mode,
  };
}

export interface AppliedFix {
  fixId: string;
  file: string;
  kind: FixPlan['kind'];
  backupPath: string | null;
  /** `.env` fixes: the value now written (core only: the service keeps the keychain in step, then drops it). */
  written?: { variable: string; value: string };
}

/**
 * Applies a planned fix exactly as previewed.
 * @throws AppError FIX_STALE when `token` does not match (the file changed since the preview);
 *   FS_CHANGED_ON_DISK, FS_SYMLINK_REFUSED, FS_WRITE_FAILED from the atomic write.
 */
export async function applyFix(
  ctx: AuditContext,
  fixId: string,
  token: string,
  clock?: () => Date,
  options: FixOptions = {},
): Promise<AppliedFix> {
  const p = await planFix(ctx, fixId, options);
  if (p.token !== token)
    throw new AppError(
      'FIX_STALE',
      'The file changed since the preview; nothing was written. Look at the new preview and apply again.',
    );
  const path = confined(ctx.target.folder, p.file);
  if (p.kind === 'chmod') {
    await chmod(path, 0o600);
    return { fixId, file: p.file, kind: p.kind, backupPath: null };
  }
  if (p.envChange) {
    const r = await writeEnvFile(path, [p.envChange], {
      expectedSha256: p.beforeSha256,
      keepPreviousIn: options.keepPreviousIn ?? null,
      clock,
    });
    return {
      fixId,
      file: p.file,
      kind: p.kind,
      backupPath: r.backupPath,
      ...(p.envChange.op === 'set' ? { written: { variable: p.envChange.key, value: p.envChange.value } } : {}),
    };
  }
  // Compose files and .gitignore are not secret: keep their mode (0644 for a new .gitignore). Their previous
  // version goes with the others under the app home, not beside them where it would show in `git status`.
  const before = p.beforeSha256 === null ? null : await readFile(path);
  const keepIn = options.keepPreviousIn ?? null;
  const kept =
    before !== null && keepIn !== null ? await keepPreviousVersion(keepIn, basename(path), before, clock) : null;
  await writeFileAtomic(path, p.after ?? '', {
    expectedSha256: p.beforeSha256,
    mode: p.mode ?? 0o644,
    clock,
    keepPrevious: false,
  });
  return { fixId, file: p.file, kind: p.kind, backupPath: kept };
}
