/**
 * A fast, synchronous judge of machine secrets (JWT secrets, the encryption key, database and Redis
 * passwords) that are long enough for Crucible but carry little entropy: one character repeated, a short
 * pattern repeated, an alphabet or keyboard run, a known placeholder, or a few dictionary words glued
 * together. Length is deliberately not a criterion (32 × `x` is 32 characters).
 *
 * Why not zxcvbn-ts (`strength.ts`): its dictionaries take about a second to build and a check runs in a
 * worker, while check-env is synchronous and runs on every keystroke of the setup review and in the CLI.
 * A random value from the app's generator (or `secrets.token_urlsafe`) never trips these tests: each one
 * needs a structure whose chance in a random urlsafe string is far below one in a billion (test/unit).
 *
 * Returned reasons describe the shape only, never the value (ARCHITECTURE.md §3).
 */

/**
 * Placeholders admins copy from documentation: Crucible's own weak list (`config.py`), the fallback key of
 * `encryption.py`, the placeholders of Crucible's docs and scripts (`<your-password>`, `YOUR_PASSWORD`,
 * `change-me-in-production`), and the usual template values. Compared after lower-casing and removing
 * everything but letters and digits, so `your_secret_here`, `Your-Secret-Here` and `yoursecrethere` match.
 */
export const KNOWN_PLACEHOLDERS = [
  'changeme',
  'changemeinproduction',
  'changethis',
  'changeit',
  'replaceme',
  'replacethis',
  'replacewithrandom',
  'yoursecret',
  'yoursecrethere',
  'yoursecretkey',
  'yoursecretkeyhere',
  'yourpassword',
  'yourpasswordhere',
  'yoursecurepassword',
  'yournewpassword',
  'yourkey',
  'yourkeyhere',
  'yourtoken',
  'yourjwtsecret',
  'yourapikey',
  'yourpostgrespassword',
  'yourredispassword',
  'secret',
  'secretkey',
  'mysecret',
  'supersecret',
  'topsecret',
  'password',
  'passw0rd',
  'mypassword',
  'default',
  'defaultdevkey32byteslong',
  'communitysecret',
  'communityrefreshsecret',
  'admin',
  'placeholder',
  'example',
  'sample',
  'dummy',
  'test',
  'testing',
  'insecure',
  'notsecure',
  'notasecret',
  'todo',
  'fixme',
  'tbd',
  'xxx',
  'letmein',
  'qwerty',
  'abc123',
  'jwtsecret',
  'apikey',
  'token',
];

/** Placeholder stems that mark a value wherever they appear (each ≥ 8 letters: never by chance in random text). */
const PLACEHOLDER_STEMS = [
  'changeme',
  'yoursecret',
  'yourpassword',
  'yoursecure',
  'replaceme',
  'replacewith',
  'placeholder',
  'changethis',
  'xxxxxxxx',
  'insecure',
];

/**
 * Words secrets typed by hand are made of: placeholder vocabulary, the product's names, and the commonest
 * passwords. Kept small on purpose (see the file comment); a value is "dictionary words" only when such
 * words cover nearly all of it.
 */
const WORDS = new Set(
  (
    'your my our the this that here there with and for not use only never keep safe very super long strong random string value values ' +
    'secret secrets secure security key keys token tokens jwt api pass password passwd passphrase login auth refresh access encryption encrypt ' +
    'crypt change changed replace default example sample test testing dev development prod production staging local localhost admin root ' +
    'user users please set put generate generated insert enter some something foo bar baz qux hello world letmein welcome qwerty ' +
    'iloveyou monkey dragon master shadow sunshine princess football baseball trustno abc abcdef xyz crucible roundtable community edition ' +
    'postgres postgresql redis database db server app application session sessions private public hidden signing sign jwtsecret ' +
    'min max chars characters char least more than bytes bit bits new old temp tmp demo fake mock dummy placeholder insecure unsafe ' +
    'do dont me it is in to at of be no ' +
    // The words of the best-known passphrase examples and the commonest words in hand-made passphrases.
    'correct horse battery staple apple banana orange lemon cherry purple green blue red black white silver golden gold ' +
    'tiger lion eagle falcon wolf bear cat dog fish bird horse river mountain ocean forest summer winter spring autumn ' +
    'sun moon star stars sky fire water earth wind love happy magic dream power freedom house home money hunter killer ' +
    'ninja pirate rocket coffee cookie pizza chocolate flower garden castle dragonfly thunder storm light dark night day'
  ).split(' '),
);

/** Keyboard rows and the digit row, forwards and backwards: any 3 to 16 characters of one count as a word. */
const KEYBOARD_RUNS = new Set(
  ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'qazwsxedcrfvtgbyhnujmikolp'].flatMap((row) => {
    const out: string[] = [];
    for (const r of [row, row.split('').reverse().join('')])
      // ASCII only
      for (let i = 0; i < r.length; i++)
        for (let j = i + 3; j <= Math.min(r.length, i + 16); j++) out.push(r.slice(i, j));
    return out;
  }),
);

/** The smallest period of `s`: `abcabcab` has period 3, a string with no repetition its own length. */
function smallestPeriod(s: string): number {
  // Prefix function (KMP): the period of the whole string is len - border.
  const pi = new Array<number>(s.length).fill(0);
  for (let i = 1; i < s.length; i++) {
    let k = pi[i - 1] ?? 0;
    while (k > 0 && s[i] !== s[k]) k = pi[k - 1] ?? 0;
    if (s[i] === s[k]) k++;
    pi[i] = k;
  }
  return s.length - (pi[s.length - 1] ?? 0);
}

/** Runs of constant step (`abcdef`, `123456`, `zyxw`), counted as the share of steps that continue the previous one. */
function isRun(cps: readonly number[]): boolean {
  if (cps.length < 8) return false;
  let same = 0;
  for (let i = 2; i < cps.length; i++) {
    const d1 = (cps[i] ?? 0) - (cps[i - 1] ?? 0);
    const d0 = (cps[i - 1] ?? 0) - (cps[i - 2] ?? 0);
    if (d1 === d0 && Math.abs(d1) === 1) same++;
  }
  return same >= (cps.length - 2) * 0.75;
}

/** Shannon entropy of the character distribution times the length, in bits: an upper bound for repetitive values. */
function distributionBits(cps: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const c of cps) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / cps.length;
    h -= p * Math.log2(p);
  }
  return h * cps.length;
}

/** True when words of WORDS and short digit groups cover every letter and digit of `alnum` (lower-case). */
function madeOfWords(alnum: string): boolean {
  if (alnum.length < 6 || !/[a-z]{3}/.test(alnum)) return false;
  // ok[i]: `alnum.slice(0, i)` is covered. A digit group of up to 4 (a year, "123") counts as one token.
  const ok = new Array<boolean>(alnum.length + 1).fill(false);
  ok[0] = true;
  for (let i = 0; i < alnum.length; i++) {
    if (!ok[i]) continue;
    for (let j = i + 1; j <= Math.min(alnum.length, i + 16); j++) {
      const part = alnum.slice(i, j);
      if ((part.length >= 2 && WORDS.has(part)) || (/^\d+$/.test(part) && part.length <= 4) || KEYBOARD_RUNS.has(part))
        ok[j] = true;
    }
  }
  return ok[alnum.length] === true;
}

/**
 * Why `value` is a low-entropy secret, or null when it looks random. Synchronous and fast (≈ µs per value).
 * Never includes the value in the reason.
 */
export function weakSecretReason(value: string): string | null {
  if (value === '') return null;
  const lower = value.toLowerCase();
  const cps = Array.from(lower).map((c) => c.codePointAt(0) ?? 0);
  const alnum = lower.replace(/[^a-z0-9]/g, '');
  if (new Set(cps).size === 1) return 'one character repeated';
  if (KNOWN_PLACEHOLDERS.includes(alnum) || KNOWN_PLACEHOLDERS.includes(lower))
    return 'a known placeholder or default value';
  if (PLACEHOLDER_STEMS.some((s) => alnum.includes(s)))
    return 'contains a placeholder such as "changeme" or "your-secret"';
  if (smallestPeriod(lower) <= lower.length / 2) return 'a short pattern repeated';
  if (alnum.length >= 4 && smallestPeriod(alnum) <= alnum.length / 2) return 'a short pattern repeated';
  if (isRun(cps)) return 'an alphabet, digit or keyboard run';
  if (madeOfWords(alnum)) return 'made of dictionary words, keyboard runs and numbers';
  // A generated value has about 4 bits per character; hand-typed low-variety values have far less. The bar is
  // 1.5 bits so that a short random value (12 characters from 38 after lower-casing) falls under it with a
  // chance below 1e-9: at 2 bits one in ~10^5 generated 12-character values was flagged, and CI once saw it.
  if (distributionBits(cps) < Math.min(64, cps.length * 1.5)) return 'too few different characters';
  return null;
}
