import type { SetupProgress } from '../../common/ipc/setup.ipc';
import { applyEnvChanges, envValues, parseEnv, unsafeValueReason } from '../envfile';
import type { FsOps } from '../fs/atomic-write';
import { hashPassword } from '../hashing/bcrypt';
import { createStrengthChecker, type StrengthChecker } from '../secrets/strength';
import type { CoreServices } from '../services';
import type { StackProfile } from '../stack/profile';
import { checkEnv } from '../validation';
import type { GitRunner } from './detect';
import type { CheckEnv, EnvEngine } from './ports';
import { createSetupService, type SetupService } from './setup.service';

/**
 * Connects the setup wizard to the real modules: core/envfile (parse, edit), core/validation (check-env),
 * core/hashing (bcrypt), core/secrets (zxcvbn-ts strength), and the state store, journal and keychain of
 * the CoreServices. Main, the harness and the CLI all build the wizard here.
 */

/** The `.env` engine of core/envfile, seen through the wizard's port. */
export const envfileEngine: EnvEngine = {
  read(text) {
    const doc = parseEnv(text);
    const keys: string[] = [];
    for (const e of doc.entries) if (!keys.includes(e.key)) keys.push(e.key);
    return {
      values: envValues(doc),
      keys,
      problems: doc.problems.map((p) => ({ line: p.line, message: p.message, fatal: p.fatal })),
    };
  },
  apply(text, changes) {
    return applyEnvChanges(
      text,
      Object.entries(changes).map(([key, value]) => ({ op: 'set' as const, key, value })),
    ).text;
  },
  unsafeReason: unsafeValueReason,
};

/** check-env of core/validation for one profile. */
export function checkEnvFor(profile: StackProfile): CheckEnv {
  return (text, environment) => checkEnv(parseEnv(text), { profile, environment, file: '.env' });
}

export interface SetupWiringOptions {
  emit?: (progress: SetupProgress) => void;
  git?: GitRunner;
  fs?: FsOps;
  bcryptCost?: number;
  profile?: StackProfile;
}

/** The setup service over the app's core services. */
export function setupServiceFor(core: CoreServices, options: SetupWiringOptions = {}): SetupService {
  const profile = options.profile ?? core.profile;
  let checker: StrengthChecker | undefined;
  return createSetupService({
    profile,
    env: envfileEngine,
    checkEnv: checkEnvFor(profile),
    logger: core.logger,
    clock: core.clock,
    store: core.store,
    journal: core.journal,
    keychain: () => core.keychains.get(),
    strength: () => (checker ??= createStrengthChecker()),
    hash: hashPassword,
    bcryptCost: options.bcryptCost,
    git: options.git,
    fs: options.fs,
    emit: options.emit,
    openHost: (location) => core.openHost(location),
    home: core.paths.home,
  });
}
