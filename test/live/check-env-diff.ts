import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { parseComposeFile } from '../../electron/core/compose/parse-file';
import { replaceEnvironmentValue } from '../../electron/core/compose/yaml-edit';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { generateNewEnv } from '../../electron/core/secrets';
import { CORS_FROM_ENV, CORS_VARIABLE } from '../../electron/core/setup/cors-fix';
import { crucibleCeProfile } from '../../electron/core/stack';
import { composeRequiredVariables } from '../../electron/core/compose/required-variables';
import { checkEnv, exitCodeFor } from '../../electron/core/validation';
import type { Finding } from '../../electron/common/model/finding';
import type { ApiStartCase } from './settings-runner';

/**
 * The two sides of issue 23's differential test, without the runner: a good production `.env` written by
 * the app, mutations of it, check-env's verdict, and what `docker-compose.yml` (with the app's CORS fix)
 * hands the api — or compose's own refusal. The service side is judged by settings-runner.ts.
 */

const UPSTREAM_TARBALL =
  process.env.CRUCIBLE_UPSTREAM_TARBALL ?? '/work/shared/upstream/crucible-community-2d1840e.tar.gz';

/** Deterministic bytes (SHA-256 in counter mode) so that the good `.env` is the same on every run. */
export function seededRandom(seed: string): (size: number) => Uint8Array {
  let counter = 0;
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i += 32)
      out.set(
        createHash('sha256')
          .update(`${seed}:${counter++}`)
          .digest()
          .subarray(0, Math.min(32, size - i)),
        i,
      );
    return out;
  };
}

/**
 * A fixed bcrypt hash in place of the generated one: bcrypt draws its salt from the system, and mutations of
 * the hash (unquoted: compose eats `$<letter>…`) depend on the salt's characters; the run must not.
 */
const FIXED_LOGIN_HASH = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';

/** A production `.env` as `crucible-secrets init` writes it (every value single-quoted), the same on every run. */
export async function goodProductionEnv(): Promise<string> {
  const r = await generateNewEnv(crucibleCeProfile, {
    environment: 'production',
    frontendUrl: 'https://crucible.example.com',
    random: seededRandom('issue-23'),
    bcryptCost: 12,
  });
  return r.text.replace(
    /^ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='[^']*'$/m,
    `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${FIXED_LOGIN_HASH}'`,
  );
}

/** Crucible's `docker-compose.yml` with the app's CORS fix (the api reads `${ROUNDTABLE_CORS_ORIGINS:?…}`). */
export function fixedDevCompose(): string {
  const r = spawnSync('tar', ['-xzOf', UPSTREAM_TARBALL, 'crucible-community/docker-compose.yml'], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`tar could not read docker-compose.yml from the upstream tarball (exit ${String(r.status)})`);
  return replaceEnvironmentValue(r.stdout, 'api', CORS_VARIABLE, CORS_FROM_ENV);
}

export const MUTATION_KINDS = [
  'delete',
  'empty',
  'short',
  'wrongType',
  'placeholder',
  'wildcard',
  'localhost',
  'http',
  'duplicated',
  'dollar',
  'crlf',
  'unquoted',
  'spaces',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  variable: string;
  kind: MutationKind;
  /** Which of the kind's values (an index into its list; the generator keeps it in range). */
  pick: number;
}

const VALUES: Partial<Record<MutationKind, readonly string[]>> = {
  wrongType: ['abc', 'maybe', '1.5', '-1', '0', '1_000', 'True', 'yes please', '100000.0', '0x10'],
  placeholder: [
    'changeme',
    'changeme-changeme-changeme-changeme',
    'x'.repeat(32),
    'your-secret-here',
    'secret',
    'Change-Me-In-Production',
    'default-dev-key-32-bytes-long!!',
    'admin',
    'your-super-secret-jwt-key-change-me-please',
    'abcdefghijklmnopqrstuvwxyz012345',
  ],
  wildcard: ['*', '["*"]', 'https://*.example.com', 'null', 'https://crucible.example.com,*'],
  localhost: ['http://localhost:3000', 'https://localhost', 'http://127.0.0.1:3000', 'localhost'],
  http: ['http://crucible.example.com', 'http://crucible.example.com,https://crucible.example.com'],
  spaces: [' true', 'true ', ' 100 ', '   ', ' https://crucible.example.com'],
};

/** The variables the profile knows (the mutation targets). */
export const PROFILE_VARIABLES = crucibleCeProfile.variables.map((v) => v.name);

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  variable: fc.constantFrom(...PROFILE_VARIABLES),
  kind: fc.constantFrom(...MUTATION_KINDS),
  pick: fc.nat({ max: 9 }),
});

const quote = (v: string) => `'${v}'`;
const lineRe = (name: string) => new RegExp(`^${name}=.*$`, 'm');

/** Applies one mutation to `.env` text (adding the variable at the end when the good file lacks it). */
export function applyMutation(text: string, m: Mutation): string {
  const current = new Map(parseEnv(text).entries.map((e) => [e.key, e.value]));
  const good = current.get(m.variable) ?? 'placeholder-value-0123456789';
  const list = VALUES[m.kind];
  const pickValue = list ? (list[m.pick % list.length] ?? '') : '';
  const set = (line: string | null) =>
    current.has(m.variable)
      ? text.replace(lineRe(m.variable), line ?? '').replace(/\n\n+/g, '\n')
      : line === null
        ? text
        : `${text}${line}\n`;
  switch (m.kind) {
    case 'delete':
      return set(null);
    case 'empty':
      return set(`${m.variable}=''`);
    case 'short':
      return set(`${m.variable}=${quote(good.slice(0, 1 + (m.pick % 7)))}`);
    case 'duplicated': {
      // The first line bad and the last one good (compose takes the last), or the other way round.
      const bad = VALUES.placeholder?.[m.pick % 10] ?? 'changeme';
      const lines =
        m.pick % 2 === 0
          ? [`${m.variable}=${quote(bad)}`, `${m.variable}=${quote(good)}`]
          : [`${m.variable}=${quote(good)}`, `${m.variable}=${quote(bad)}`];
      return `${lines[0] ?? ''}\n${set(null)}${lines[1] ?? ''}\n`;
    }
    case 'dollar': {
      const cut = Math.min(good.length, 3 + m.pick);
      return set(`${m.variable}=${good.slice(0, cut)}$${m.pick % 2 === 0 ? 'Xy' : '{Q}'}${good.slice(cut)}`);
    }
    case 'crlf':
      return m.pick % 2 === 0 ? text.replace(/\n/g, '\r\n') : text.replace(lineRe(m.variable), (l) => `${l}\r`);
    case 'unquoted':
      return set(`${m.variable}=${good}`);
    default:
      return set(`${m.variable}=${quote(pickValue)}`);
  }
}

export interface AppVerdict {
  refuses: boolean;
  exitCode: 0 | 1 | 2;
  errors: Finding[];
}

/** check-env's verdict on the text, as the CLI gives it next to the fixed compose file. */
export function appVerdict(text: string, compose: string): AppVerdict {
  const findings = checkEnv(parseEnv(text), {
    profile: crucibleCeProfile,
    environment: 'production',
    file: '.env',
    composeRequired: composeRequiredVariables([compose]),
  });
  const exitCode = exitCodeFor(findings);
  return {
    refuses: exitCode === 2,
    exitCode,
    errors: findings.filter((f) => f.severity === 'error' || f.severity === 'critical'),
  };
}

export type ComposeSide = { refused: true; why: string } | { refused: false; start: ApiStartCase };

/**
 * What compose does with the `.env` (the project's own parser and interpolation): refuse the file or a
 * `${VAR:?}`, or hand the api its `environment:` (the `.env` itself is mounted at `/app/.env`).
 */
export function composeSide(text: string, compose: string): ComposeSide {
  const doc = parseEnv(text);
  const fatal = doc.problems.find((p) => p.fatal);
  if (fatal) return { refused: true, why: `compose cannot read .env (${fatal.code})` };
  const values = envValues(doc);
  const parsed = parseComposeFile(compose, 'docker-compose.yml', '/deployment', (n) => values.get(n));
  const stop = parsed.problems.find(
    (p) => p.code === 'COMPOSE_REQUIRED_VARIABLE_MISSING' || p.code === 'COMPOSE_BAD_INTERPOLATION',
  );
  if (stop) return { refused: true, why: `compose refuses (${stop.code} ${stop.variable ?? ''})` };
  const api = parsed.services.find((s) => s.name === 'api');
  if (!api) throw new Error('docker-compose.yml has no api service');
  const environment: Record<string, string> = {};
  for (const [name, e] of api.environment) if (e.value !== null) environment[name] = e.value;
  return { refused: false, start: { environment, dotenv: text } };
}

/** One line naming a mutation list without any value. */
export function describeMutations(ms: readonly Mutation[]): string {
  return ms.map((m) => `${m.variable}:${m.kind}#${m.pick}`).join(' + ');
}
