import { lstat, open, readFile, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import type { Redactor } from '../log/redact';

/**
 * The journal (ARCHITECTURE.md §4 `journal/`): an append-only, hash-chained JSONL log of what the app did.
 * Each line holds `seq` (1, 2, …), `prev` (the previous line's hash) and `hash` = SHA-256 of the line's
 * JSON without `hash`. A sidecar `<journal>.head` (written atomically) records the last seq and hash, so
 * removing entries from the end is detected too. Never a value: details are names, counts, file names,
 * and every line is checked against the redactor's known secrets before it is written.
 */

/**
 * Every entry type, `domain.verb`. Appending takes only these, so a misspelt type fails to compile; readers
 * (the journal view, reports, verification) still accept any string, as older journals may hold other types.
 */
export const JOURNAL_TYPES = [
  'backup.exported',
  'backup.restored',
  'backup.restore-failed',
  'checklist.ticked',
  'checklist.unticked',
  'deployment.added',
  'deployment.compose-files-changed',
  'dump.decrypted',
  'dump.deleted',
  'file.restored',
  'file.written',
  'fix.applied',
  'incident.closed',
  'incident.opened',
  'incident.report-exported',
  'incident.step',
  'journal.exported',
  'keychain.backend-chosen',
  'report.exported',
  'rotation.password-shown',
  'rotation.reconciled',
  'rotation.rolled-back',
  'rotation.started',
  'rotation.step',
  'secret.copied',
  'secret.generated',
  'secret.revealed',
  'secret.rotated',
  'secrets.drift-repaired',
  'secrets.exported',
  'secrets.rolled-back',
  'secrets.store-failed',
  'secrets.stored',
  'setup.completed',
  'setup.failed',
] as const;
export const JournalType = z.enum(JOURNAL_TYPES);
export type JournalType = z.infer<typeof JournalType>;

const DetailValue = z.union([
  z.string().max(2000),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(500)).max(200),
]);

export const JournalInput = z.strictObject({
  type: JournalType,
  deploymentId: z.string().max(64).optional(),
  /** What the action was about: a variable name, a file name, a checklist item. Never a value. */
  subject: z.string().max(200).optional(),
  details: z.record(z.string(), DetailValue).default({}),
});
export type JournalInput = z.input<typeof JournalInput>;

export const JournalEntry = z.strictObject({
  seq: z.number().int().min(1),
  at: z.string(),
  type: z.string(),
  deploymentId: z.string().optional(),
  subject: z.string().optional(),
  details: z.record(z.string(), DetailValue),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const GENESIS = '0'.repeat(64);

export type JournalProblemCode = 'MALFORMED' | 'EDITED' | 'REMOVED' | 'REORDERED' | 'TRUNCATED' | 'HEAD_MISSING';

export interface JournalProblem {
  /** 1-based line number in the file (0 for the head file). */
  line: number;
  code: JournalProblemCode;
  message: string;
}

export interface JournalVerification {
  ok: boolean;
  entries: number;
  problems: JournalProblem[];
}

export interface Journal {
  readonly file: string;
  /**
   * Appends one entry and returns it.
   * @throws AppError JOURNAL_INVALID for a malformed input; JOURNAL_REFUSED_SECRET when the line would
   *   contain a value the redactor knows as secret (nothing is written); FS_SYMLINK_REFUSED when the
   *   journal file is a symbolic link.
   */
  append(input: JournalInput): Promise<JournalEntry>;
  /**
   * Appends several entries with one write and one fsync: every line is checked before any is written, so
   * a refused or malformed entry writes none of them. Used where the journal is part of an all-or-nothing
   * change (setup, store, restore): the caller appends last and undoes its change if this throws.
   * @throws the same as {@link append}
   */
  appendAll(inputs: readonly JournalInput[]): Promise<JournalEntry[]>;
  /**
   * Checks that these entries would be accepted (well-formed, no secret) and that the journal can be
   * opened for appending, without writing anything. Callers run it before changing anything, so the
   * usual refusals come while nothing has changed yet.
   * @throws the same as {@link append}
   */
  preflight(inputs: readonly JournalInput[]): Promise<void>;
  /** Entries in order (malformed lines skipped), optionally for one deployment and only the last `limit`. */
  read(filter?: { deploymentId?: string; limit?: number }): Promise<JournalEntry[]>;
  /** Checks the chain and the head: finds edited, removed, reordered and truncated entries. */
  verify(): Promise<JournalVerification>;
  /** Writes a copy of the journal to `target` (atomically, 0600) with its verification result. */
  exportTo(target: string): Promise<JournalVerification>;
}

export interface JournalDeps {
  file: string;
  clock?: () => Date;
  /** The logger's redactor: lines containing a registered secret (or a secret shape) are refused. */
  redactor?: Redactor;
}

/** The exact text that is hashed: the entry's JSON without `hash`, keys in a fixed order. */
function body(e: Omit<JournalEntry, 'hash'>): string {
  const o: Record<string, unknown> = { seq: e.seq, at: e.at, type: e.type };
  if (e.deploymentId !== undefined) o.deploymentId = e.deploymentId;
  if (e.subject !== undefined) o.subject = e.subject;
  o.details = e.details;
  o.prev = e.prev;
  return JSON.stringify(o);
}

function hashOf(e: Omit<JournalEntry, 'hash'>): string {
  return sha256(body(e));
}

/** Bytes read from the end of the journal to find the last entry (entries are a few hundred bytes). */
const TAIL_WINDOW = 16 * 1024;

const Head = z.object({ seq: z.number().int().min(0), hash: z.string() });

/** `O_NOFOLLOW` where the platform has it (not on Windows, where the lstat check stands alone). */
const NOFOLLOW = (constants.O_NOFOLLOW as number | undefined) ?? 0;

function symlinkRefused(file: string): AppError {
  return new AppError(
    'FS_SYMLINK_REFUSED',
    `The journal ${basename(file)} is a symbolic link; the app only appends to a regular file in its own folder. Delete the link (${file}), restore the journal from a backup, and try again.`,
  );
}

/**
 * Opens the journal for reading its tail and appending, without following a symbolic link (a link planted in
 * the app home must not redirect the entries), and sets an existing file back to 0600.
 * @throws AppError FS_SYMLINK_REFUSED
 */
async function openJournalForAppend(file: string): Promise<{ fh: FileHandle; size: number }> {
  if (NOFOLLOW === 0) {
    const st = await lstat(file).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    });
    if (st?.isSymbolicLink()) throw symlinkRefused(file);
  }
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(file);
    throw e;
  }
  try {
    const st = await fh.stat();
    if ((st.mode & 0o777) !== 0o600) await fh.chmod(0o600);
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * The last entry, read from the end of the open journal: a window that grows until it holds a valid entry,
 * so an append costs the same after years of entries as on the first day. Read at each append (not
 * remembered) so the CLI and the app can both append.
 */
async function tailOf(fh: FileHandle, size: number): Promise<{ seq: number; hash: string; torn: boolean }> {
  for (let window = TAIL_WINDOW; ; window *= 4) {
    const start = Math.max(0, size - window);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    // A last line without its newline is what a crash mid-append leaves: the next entry starts a new line.
    const torn = buf.length > 0 && buf[buf.length - 1] !== 0x0a;
    const all = lines(buf.toString('utf8'));
    // The first line of a window that starts mid-file may be cut: it only counts when the window is the whole file.
    const from = start === 0 ? 0 : 1;
    for (let i = all.length - 1; i >= from; i--) {
      const e = parseLine(all[i] ?? '');
      if (e) return { seq: e.seq, hash: e.hash, torn };
    }
    if (start === 0) return { seq: 0, hash: GENESIS, torn };
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError(
      'JOURNAL_UNREADABLE',
      `The journal ${basename(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'EIO'}).`,
    );
  }
}

function parseLine(line: string): JournalEntry | null {
  try {
    const r = JournalEntry.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Builds the journal over `file` (appPaths(home).journalFile). */
export function createJournal(deps: JournalDeps): Journal {
  const { file } = deps;
  const headFile = `${file}.head`;
  const clock = deps.clock ?? (() => new Date());
  let queue: Promise<unknown> = Promise.resolve();
  let headSynced = false;

  const refused = () =>
    new AppError(
      'JOURNAL_REFUSED_SECRET',
      'A journal entry would have contained a secret value, so it was not written. Please report this.',
    );

  /** Parses the inputs and refuses any holding a known secret, before the journal is even opened. */
  function checked(inputs: readonly JournalInput[]): Array<z.infer<typeof JournalInput>> {
    return inputs.map((input) => {
      const parsed = JournalInput.safeParse(input);
      if (!parsed.success) {
        throw new AppError(
          'JOURNAL_INVALID',
          `A journal entry was malformed (${parsed.error.issues.map((i) => i.path.join('.') || i.code).join(', ')}).`,
        );
      }
      const draft = JSON.stringify(parsed.data);
      if (deps.redactor && deps.redactor.redact(draft) !== draft) throw refused();
      return parsed.data;
    });
  }

  async function appendAll(inputs: readonly JournalInput[]): Promise<JournalEntry[]> {
    const parsed = checked(inputs);
    if (parsed.length === 0) return [];
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const { fh, size } = await openJournalForAppend(file);
    const entries: JournalEntry[] = [];
    try {
      const last = await tailOf(fh, size);
      let prev = { seq: last.seq, hash: last.hash };
      const at = clock().toISOString();
      let out = last.torn ? '\n' : '';
      for (const p of parsed) {
        const partial: Omit<JournalEntry, 'hash'> = {
          seq: prev.seq + 1,
          at,
          type: p.type,
          deploymentId: p.deploymentId,
          subject: p.subject,
          details: p.details,
          prev: prev.hash,
        };
        const text = body(partial);
        if (deps.redactor && deps.redactor.redact(text) !== text) throw refused();
        const entry = { ...partial, hash: sha256(text) };
        out += `${text.slice(0, -1)},"hash":${JSON.stringify(entry.hash)}}\n`;
        entries.push(entry);
        prev = entry;
      }
      // writeFile, not write: it goes on until every byte is written (a short write must not pass as an entry).
      await fh.writeFile(out);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const newest = entries[entries.length - 1];
    // The head only has to be as new as the entries that are surely on disk: an older head after a crash
    // hides nothing and raises no alarm, so replacing it needs no folder fsync. Its first creation does
    // (a head lost in a crash would read as a missing one), once per process.
    if (newest) {
      await writeFileAtomic(headFile, JSON.stringify({ seq: newest.seq, hash: newest.hash }) + '\n', {
        keepPrevious: false,
        syncFolder: !headSynced,
      });
      headSynced = true;
    }
    return entries;
  }

  async function preflight(inputs: readonly JournalInput[]): Promise<void> {
    checked(inputs);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const { fh } = await openJournalForAppend(file);
    await fh.close();
  }

  async function verify(): Promise<JournalVerification> {
    const text = await readText(file);
    const problems: JournalProblem[] = [];
    let prevHash = GENESIS;
    let prevSeq = 0;
    let count = 0;
    const all = text === null ? [] : text.split('\n');
    for (let i = 0; i < all.length; i++) {
      const raw = all[i] ?? '';
      if (raw.trim() === '') continue;
      const n = i + 1;
      const e = parseLine(raw);
      if (!e) {
        problems.push({ line: n, code: 'MALFORMED', message: `Line ${n} is not a journal entry.` });
        continue;
      }
      count++;
      if (hashOf(e) !== e.hash) {
        problems.push({
          line: n,
          code: 'EDITED',
          message: `Entry ${e.seq} (line ${n}) was changed after it was written.`,
        });
      }
      if (e.seq > prevSeq + 1) {
        problems.push({
          line: n,
          code: 'REMOVED',
          message: `${e.seq - prevSeq - 1} entr${e.seq - prevSeq - 1 === 1 ? 'y is' : 'ies are'} missing before entry ${e.seq} (line ${n}).`,
        });
      } else if (e.seq <= prevSeq) {
        problems.push({
          line: n,
          code: 'REORDERED',
          message: `Entry ${e.seq} (line ${n}) is out of order: it follows entry ${prevSeq}.`,
        });
      } else if (e.prev !== prevHash) {
        problems.push({
          line: n,
          code: 'EDITED',
          message: `Entry ${e.seq} (line ${n}) does not follow the entry before it: an entry was replaced.`,
        });
      }
      prevHash = e.hash;
      prevSeq = e.seq;
    }
    const headText = await readText(headFile);
    if (headText === null) {
      if (count > 0)
        problems.push({
          line: 0,
          code: 'HEAD_MISSING',
          message: `${basename(headFile)} is missing, so removal of the last entries cannot be ruled out.`,
        });
    } else {
      const head = Head.safeParse(
        (() => {
          try {
            return JSON.parse(headText) as unknown;
          } catch {
            return null;
          }
        })(),
      );
      if (!head.success) {
        problems.push({
          line: 0,
          code: 'HEAD_MISSING',
          message: `${basename(headFile)} is damaged, so removal of the last entries cannot be ruled out.`,
        });
      } else if (head.data.seq > prevSeq) {
        problems.push({
          line: 0,
          code: 'TRUNCATED',
          message: `The last ${head.data.seq - prevSeq} entr${head.data.seq - prevSeq === 1 ? 'y was' : 'ies were'} removed (the journal ended at entry ${head.data.seq}).`,
        });
      } else if (head.data.seq === prevSeq && head.data.hash !== prevHash) {
        problems.push({
          line: 0,
          code: 'EDITED',
          message: `The last entry (${prevSeq}) is not the one that was written.`,
        });
      }
    }
    return { ok: problems.length === 0, entries: count, problems };
  }

  return {
    file,
    append(input) {
      const run = queue.then(() => appendAll([input]));
      queue = run.catch(() => undefined);
      return run.then((entries) => {
        const [entry] = entries;
        if (!entry) throw new AppError('JOURNAL_INVALID', 'A journal entry was malformed.');
        return entry;
      });
    },
    appendAll(inputs) {
      const run = queue.then(() => appendAll(inputs));
      queue = run.catch(() => undefined);
      return run;
    },
    preflight,
    async read(filter = {}) {
      const text = await readText(file);
      let out =
        text === null
          ? []
          : lines(text)
              .map(parseLine)
              .filter((e): e is JournalEntry => e !== null);
      if (filter.deploymentId !== undefined) out = out.filter((e) => e.deploymentId === filter.deploymentId);
      return filter.limit !== undefined ? out.slice(-filter.limit) : out;
    },
    verify,
    async exportTo(target) {
      const text = (await readText(file)) ?? '';
      const result = await verify();
      await writeFileAtomic(target, text, { keepPrevious: false });
      return result;
    },
  };
}
