import type { Environment } from '../../common/model/environment';
import type { Rule, StackProfile, Variable } from './profile';

/*
 * Reading a profile, apart from its schemas (profile.ts): the validation engine, the audit and rotation look
 * variables and rules up without loading zod, so the CLI's check-env starts without it (issue 20).
 */

/** Looks a variable up by name. */
export function findVariable(profile: StackProfile, name: string): Variable | undefined {
  return profile.variables.find((v) => v.name === name);
}

/** The rules of a variable that apply in `env`. */
export function rulesFor(variable: Variable, env: Environment): Rule[] {
  return variable.rules.filter((r) => r.environments.includes(env));
}
