import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compactForm, FAMOUS_DICTIONARY, FAMOUS_PASSPHRASES, FAMOUS_WARNING } from '../../common/famous-passphrases';

/**
 * zxcvbn-ts off the event loop. One check costs ~100–150 ms of CPU and building the dictionaries ~1 s the
 * first time; run in main, either stalls the window (issue 8: no stall > 20 ms during an export). The engine
 * starts one worker thread on its first check and reuses it. The worker is unref'd while idle, so a CLI
 * command that checked a passphrase still exits, and ref'd while a check is pending, so it is awaited.
 *
 * The worker's code is evaluated from a string. Built, it is the self-contained zxcvbn-worker.cjs beside the
 * bundle (read by this thread, so it comes from the checked app.asar); unbundled (vitest), a few lines that
 * load the three @zxcvbn-ts packages by the absolute paths this thread resolves. If the worker cannot
 * start or dies, the check runs here instead (correct, only slower) rather than refusing every passphrase.
 *
 * Every zxcvbn here has the common and English dictionaries plus the famous passphrases
 * (common/famous-passphrases.ts), and a passphrase is checked as typed and in its compact form (lower case,
 * no separators), the lower estimate winning: "Correct-Horse-Battery-Staple" is the famous phrase too.
 */

export interface ZxcvbnVerdict {
  score: 0 | 1 | 2 | 3 | 4;
  guessesLog10: number;
  warning: string | null;
  suggestions: string[];
  /** True when a well-known passphrase (common/famous-passphrases.ts) makes up part of it. */
  famous: boolean;
}

export interface ZxcvbnEngine {
  /** Estimates how guessable `password` is; `userInputs` are words that make it weaker when present. */
  check(password: string, userInputs?: readonly string[]): Promise<ZxcvbnVerdict>;
  /** Stops the worker (tests, shutdown). A later check starts a new one. */
  close(): Promise<void>;
}

interface Request {
  id: number;
  password: string;
  userInputs: string[];
}
type Reply = { id: number; result: ZxcvbnVerdict } | { id: number; error: true };

// Plain CommonJS run by the worker: no TypeScript, nothing bundled. Errors are reported without detail, as a
// message could quote the password.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require(workerData.core);
const common = require(workerData.common);
const en = require(workerData.en);
const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary, [workerData.famousName]: workerData.famous }, graphs: common.adjacencyGraphs, translations: en.translations });
parentPort.on('message', (m) => {
  try {
    const r = zxcvbn.check(m.password, m.userInputs);
    const famous = r.sequence.some((x) => x.dictionaryName === workerData.famousName);
    parentPort.postMessage({ id: m.id, result: { score: r.score, guessesLog10: r.guessesLog10, warning: r.feedback.warning, suggestions: r.feedback.suggestions, famous } });
  } catch {
    parentPort.postMessage({ id: m.id, error: true });
  }
});
`;

type Check = (password: string, userInputs: readonly string[]) => ZxcvbnVerdict;

/** The in-thread fallback, loaded and built only when the worker cannot be used. */
async function inThread(): Promise<Check> {
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, [FAMOUS_DICTIONARY]: [...FAMOUS_PASSPHRASES] },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return (password, userInputs) => {
    const r = zxcvbn.check(password, [...userInputs]);
    const famous = r.sequence.some((x) => 'dictionaryName' in x && x.dictionaryName === FAMOUS_DICTIONARY);
    return {
      score: r.score,
      guessesLog10: r.guessesLog10,
      warning: r.feedback.warning,
      suggestions: r.feedback.suggestions,
      famous,
    };
  };
}

const PACKAGES = {
  core: '@zxcvbn-ts/core',
  common: '@zxcvbn-ts/language-common',
  en: '@zxcvbn-ts/language-en',
} as const;

/** Absolute paths of the packages, resolved from this file (or the bundle it is part of). */
function packagePaths(): Record<keyof typeof PACKAGES, string> {
  // Through a variable: esbuild leaves the call alone (the packages are bundled for the fallback as well).
  const resolve = (name: string) => require.resolve(name);
  return { core: resolve(PACKAGES.core), common: resolve(PACKAGES.common), en: resolve(PACKAGES.en) };
}

/**
 * The self-contained worker bundle (zxcvbn-worker-entry.ts) beside the running bundle, read here because
 * this thread's fs reads inside app.asar: the worker then loads nothing from disk. Null when unbundled
 * (vitest), where the packages are loaded by path instead.
 */
function bundledWorkerCode(): string | null {
  if (typeof __dirname !== 'string') return null;
  try {
    return readFileSync(join(__dirname, WORKER_BUNDLE), 'utf8');
  } catch {
    return null;
  }
}

/** The file name scripts/build-electron.mjs gives the worker bundle. */
export const WORKER_BUNDLE = 'zxcvbn-worker.cjs';

/** The easier-to-guess of two estimates of one passphrase; famous if either form is. */
function lowerOf(a: ZxcvbnVerdict, b: ZxcvbnVerdict): ZxcvbnVerdict {
  const lower = b.guessesLog10 < a.guessesLog10 ? b : a;
  return { ...lower, famous: a.famous || b.famous };
}

/** Builds the engine; nothing starts until the first check. */
export function createZxcvbnEngine(): ZxcvbnEngine {
  let worker: Worker | null = null;
  let fallback: Promise<Check> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: ZxcvbnVerdict) => void; reject: (e: Error) => void }>();

  function failAll(): void {
    worker = null;
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(new Error('the password-strength worker stopped'));
  }

  function start(): Worker {
    const bundled = bundledWorkerCode();
    const w =
      bundled !== null
        ? new Worker(bundled, { eval: true })
        : new Worker(WORKER_CODE, {
            eval: true,
            workerData: { ...packagePaths(), famous: [...FAMOUS_PASSPHRASES], famousName: FAMOUS_DICTIONARY },
          });
    w.unref();
    w.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if ('result' in m) p.resolve(m.result);
      else p.reject(new Error('the password-strength check failed'));
    });
    w.on('error', () => {
      if (worker === w) failAll();
    });
    w.on('exit', () => {
      if (worker === w) failAll();
    });
    return w;
  }

  function viaWorker(req: Omit<Request, 'id'>): Promise<ZxcvbnVerdict> {
    worker ??= start();
    const w = worker;
    const id = nextId++;
    return new Promise<ZxcvbnVerdict>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) w.ref();
      w.postMessage({ id, ...req } satisfies Request);
    });
  }

  async function checkOne(password: string, userInputs: readonly string[]): Promise<ZxcvbnVerdict> {
    if (fallback === null) {
      try {
        return await viaWorker({ password, userInputs: [...userInputs] });
      } catch {
        // The worker could not start (packages not resolvable, no threads) or died: check here instead.
        fallback = inThread();
      }
    }
    return (await fallback)(password, userInputs);
  }

  return {
    async check(password, userInputs = []) {
      const asTyped = await checkOne(password, userInputs);
      const compact = compactForm(password);
      const v =
        compact === password || compact === '' ? asTyped : lowerOf(asTyped, await checkOne(compact, userInputs));
      // zxcvbn has no words for a match in an added dictionary: say why it is guessable.
      return v.famous && v.warning === null ? { ...v, warning: FAMOUS_WARNING } : v;
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      failAll();
    },
  };
}
