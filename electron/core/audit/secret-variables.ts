import type { Variable } from '../stack/profile';

/**
 * Which variables hold secrets, for the audit's rules (secrets on command lines, literal secrets in compose,
 * cross-deployment reuse) and for the diffs shown to the admin. The stack profile (core/stack) is the source
 * of truth: the sets are built from its variables. Any other name that looks like a credential counts too.
 */

const LOOKS_SECRET = /(PASSWORD|PASSWD|SECRET|_KEY|TOKEN)$/;

export interface SecretSets {
  secret: ReadonlySet<string>;
  required: ReadonlySet<string>;
}

/** Secret-holding kinds of the stack profile (see core/stack/profile.ts VariableKind). */
// `identifier` (POSTGRES_USER) is a user name: required, but neither secret on a command line nor worth
// comparing across deployments.
const SECRET_KINDS = new Set(['secret', 'login-password', 'provider-key']);

/**
 * Builds the sets from the profile's variables, adding names that look like credentials. `required` holds the
 * sensitive variables the service cannot start without (those with a `required` rule), user names included.
 */
export function secretVariablesFrom(
  variables: ReadonlyArray<Pick<Variable, 'name' | 'kind' | 'sensitive' | 'rules'>>,
  extraNames: Iterable<string> = [],
): SecretSets {
  const secret = new Set<string>(variables.filter((v) => SECRET_KINDS.has(v.kind)).map((v) => v.name));
  for (const n of extraNames) if (LOOKS_SECRET.test(n)) secret.add(n);
  const required = new Set(
    variables.filter((v) => v.sensitive && v.rules.some((r) => r.check.type === 'required')).map((v) => v.name),
  );
  return { secret, required };
}

/**
 * The names whose literal values a diff shown to the admin withholds: every sensitive variable but user names
 * and URLs (a password inside a URL is withheld by its shape, the rest of the URL stays readable). Wider than
 * the audit's secret set: legacy secrets the service no longer reads are still secrets on screen.
 */
export function diffSecretNames(variables: ReadonlyArray<Pick<Variable, 'name' | 'kind' | 'sensitive'>>): string[] {
  return variables.filter((v) => v.sensitive && v.kind !== 'identifier' && v.kind !== 'url').map((v) => v.name);
}
