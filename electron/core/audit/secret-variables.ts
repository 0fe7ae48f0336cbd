/**
 * Which variables hold secrets, for the audit's rules (secrets on command lines, literal secrets in compose,
 * cross-deployment reuse). The stack profile (core/stack) is the source of truth; `secretVariablesFrom`
 * builds the sets from its variables, and the built-in lists below (crucible-facts.md §2.1, §2.3) are the
 * fallback when no profile is given. Any other name that looks like a credential counts too.
 */
export const CRUCIBLE_REQUIRED_SECRETS = [
  'API_KEY_ENCRYPTION_KEY',
  'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
  'ROUNDTABLE_JWT_SECRET',
  'ROUNDTABLE_JWT_REFRESH_SECRET',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
] as const;

const OTHER_SECRETS = ['ROUNDTABLE_OPENROUTER_API_KEY', 'ROUNDTABLE_EDEN_AI_API_KEY', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'INTERNAL_API_TOKEN', 'ROUNDTABLE_ADMIN_SESSION_SECRET', 'ROUNDTABLE_ADMIN_PASSWORD_HASH', 'ROUNDTABLE_ADMIN_PASSWORD', 'NEXTAUTH_SECRET', 'TURNSTILE_SECRET_KEY'];

const LOOKS_SECRET = /(PASSWORD|PASSWD|SECRET|_KEY|TOKEN)$/;

export interface SecretSets {
  secret: ReadonlySet<string>;
  required: ReadonlySet<string>;
}

/** Secret-holding kinds of the stack profile (see core/stack/profile.ts VariableKind). */
// `identifier` (POSTGRES_USER) is a user name: required, but neither secret on a command line nor worth
// comparing across deployments.
const SECRET_KINDS = new Set(['secret', 'login-password', 'provider-key']);

/** Builds the sets from profile variables (`{ name, kind, required? }`), adding names that look like credentials. */
export function secretVariablesFrom(variables?: ReadonlyArray<{ name: string; kind: string }>, extraNames: Iterable<string> = []): SecretSets {
  const secret = new Set<string>(variables ? variables.filter((v) => SECRET_KINDS.has(v.kind)).map((v) => v.name) : [...CRUCIBLE_REQUIRED_SECRETS.filter((n) => n !== 'POSTGRES_USER'), ...OTHER_SECRETS]);
  for (const n of extraNames) if (LOOKS_SECRET.test(n)) secret.add(n);
  return { secret, required: new Set(CRUCIBLE_REQUIRED_SECRETS) };
}
