/**
 * Fix identifiers carried by findings. A fixId names the change, not a path the renderer may choose: the
 * fix engine only applies a fixId that a fresh audit of the same deployment produces again.
 *
 * One table for every kind: the rules (audit/rules/*, validation/check-env.ts) build ids only through
 * {@link fixIds}, the fix engine (fixes.ts) reads them only through {@link parseFixId}, and both sides are
 * typed by {@link FixId}. A new kind that is emitted but not parsed (or planned) does not compile, and
 * test/unit/core/audit/fix-walk.test.ts walks every rule and applies every fix it offers.
 */
export const FIX_KINDS = [
  'bind-loopback',
  'env-reference',
  'gitignore-env',
  'chmod-600',
  'env-hash-login-password',
  'env-single-quote',
  'mount-readonly',
] as const;
export type FixKind = (typeof FIX_KINDS)[number];

/** Every fixId the app makes, as a type: a rule cannot emit a free-form string the engine does not know. */
export type FixId =
  | `bind-loopback:${string}:${string}:${number}`
  | `env-reference:${string}:${string}:${string}`
  | 'gitignore-env'
  | `chmod-600:${string}`
  | `env-hash-login-password:${string}`
  | `env-single-quote:${string}`
  | `mount-readonly:${string}:${string}:${number}`;

export type ParsedFixId =
  | { kind: 'bind-loopback'; file: string; service: string; index: number }
  | { kind: 'env-reference'; file: string; service: string; variable: string }
  | { kind: 'gitignore-env' }
  | { kind: 'chmod-600'; file: string }
  /** Replace the plain login password in `.env` with its bcrypt hash (as setup stores it). */
  | { kind: 'env-hash-login-password'; variable: string }
  /** Write a value whose `$` compose would interpolate single-quoted, exactly as it is written. */
  | { kind: 'env-single-quote'; variable: string }
  /** Make a bind mount of `.env` read-only (`:ro`). */
  | { kind: 'mount-readonly'; file: string; service: string; index: number };

export const fixIds = {
  bindLoopback: (file: string, service: string, index: number): FixId => `bind-loopback:${file}:${service}:${index}`,
  envReference: (file: string, service: string, variable: string): FixId =>
    `env-reference:${file}:${service}:${variable}`,
  gitignoreEnv: (): FixId => 'gitignore-env',
  chmod600: (file: string): FixId => `chmod-600:${file}`,
  hashLoginPassword: (variable: string): FixId => `env-hash-login-password:${variable}`,
  singleQuote: (variable: string): FixId => `env-single-quote:${variable}`,
  mountReadOnly: (file: string, service: string, index: number): FixId => `mount-readonly:${file}:${service}:${index}`,
} as const;

/** The id of a parsed fix (the inverse of {@link parseFixId}). */
export function formatFixId(p: ParsedFixId): FixId {
  switch (p.kind) {
    case 'bind-loopback':
      return fixIds.bindLoopback(p.file, p.service, p.index);
    case 'env-reference':
      return fixIds.envReference(p.file, p.service, p.variable);
    case 'gitignore-env':
      return fixIds.gitignoreEnv();
    case 'chmod-600':
      return fixIds.chmod600(p.file);
    case 'env-hash-login-password':
      return fixIds.hashLoginPassword(p.variable);
    case 'env-single-quote':
      return fixIds.singleQuote(p.variable);
    case 'mount-readonly':
      return fixIds.mountReadOnly(p.file, p.service, p.index);
  }
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a fixId; null when it is not one the app makes. */
export function parseFixId(id: string): ParsedFixId | null {
  if (id === 'gitignore-env') return { kind: 'gitignore-env' };
  const [kind, ...rest] = id.split(':');
  const [a = '', b = '', c = ''] = rest;
  switch (kind) {
    case 'chmod-600':
      return rest.length === 1 ? { kind, file: a } : null;
    case 'mount-readonly':
    case 'bind-loopback': {
      const index = Number(c);
      if (rest.length !== 3 || c === '' || !Number.isInteger(index) || index < 0) return null;
      return { kind, file: a, service: b, index };
    }
    case 'env-reference':
      return rest.length === 3 ? { kind, file: a, service: b, variable: c } : null;
    case 'env-hash-login-password':
    case 'env-single-quote':
      return rest.length === 1 && ENV_KEY.test(a) ? { kind, variable: a } : null;
    default:
      return null;
  }
}
