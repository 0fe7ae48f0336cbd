import type { Finding } from '../../common/model/finding';
import type { ComposeProject } from '../compose/model';
import { receivers, type EnvEntries } from '../compose/service-env';
import type { StackProfile } from '../stack/profile';
import { findVariable } from '../stack/profile-lookup';

/**
 * check-env says "has no effect" for a variable the stock compose files override, judging from the profile
 * alone. Once the compose files actually in use have been read, they decide: the finding stays only while
 * no service receives the variable, under its own name, from `.env` (compose/service-env.ts). The audit
 * reaches the same verdict through its service-env rule; the CLI's check-env uses this.
 */
export function decidedByCompose(
  findings: readonly Finding[],
  project: ComposeProject,
  env: EnvEntries,
  profile: StackProfile,
): Finding[] {
  const map = receivers(project, env, profile.mountedEnvReaders ?? []);
  return findings.filter((f) => {
    if (f.code !== 'ENV_NO_EFFECT' || f.variable === undefined) return true;
    if (findVariable(profile, f.variable)?.effect !== 'overridden-by-compose') return true;
    const name = f.variable;
    return !(map.get(name) ?? []).some((r) => r.effective && r.as === name);
  });
}
