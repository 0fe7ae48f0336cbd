import { createHash } from 'node:crypto';
import { basename, join, posix } from 'node:path';
import { AppError, isAppError } from '../../common/errors';
import type { DriftDirection, DriftRepairPreview, DriftRepairResult } from '../../common/ipc/secrets.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { assertWritableValue, readEnvFile, writeEnvFile, type EnvDoc } from '../envfile';
import { readEnvOnHost, writeEnvOnHost, type HostEnvRead } from '../envfile/on-host';
import { previousVersionsFolder } from '../fs/previous-versions';
import { isBcryptHash } from '../hashing/bcrypt';
import { assertStoredPasswordForm } from '../hashing/stored-form';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import type { Journal } from '../journal/journal';
import type { Logger } from '../log/logger';
import type { AppState } from '../store/schema';
import { bcryptMatches, type EnvReader } from './drift';
import type { FingerprintFn } from './fingerprint';
import type { StoreSecretsInput, StoreSecretsResult } from './store-secrets';

/**
 * Repairs drift of one variable (issue 17 item 4), in the direction the admin picks:
 * - `keychain-to-env`: the keychain's value goes into `.env` where the deployment lives (envfile's atomic writer
 *   here, the host's on a server), the previous `.env` kept under the app home;
 * - `env-to-keychain`: the `.env` value is adopted into the keychain through the journalled store
 *   (store-secrets.ts), which records its fingerprint.
 * A preview comes first and hands out a token: a hash of the direction, the variable, the `.env`'s SHA-256 and
 * both fingerprints. The repair recomputes it and refuses when anything changed in between, so what is written
 * is what the admin saw. Neither the preview, the token, the journal nor an error carries a value.
 */

export interface DriftRepairDeps {
  home: string;
  journal: Pick<Journal, 'append' | 'preflight'>;
  logger: Logger;
  clock: () => Date;
  readEnv: EnvReader;
  openHost?: (location: Location) => DeploymentHost;
  /** The variables stored as a bcrypt hash (kind `login-password`). */
  passwordVariables: ReadonlySet<string>;
  /** The state after repairing an interrupted write, and the deployment. */
  settled: (id: string) => Promise<{ state: AppState; deployment: DeploymentRef }>;
  /** The keychain entries of the deployment (registered with the redactor). */
  entries: (id: string) => Promise<Map<string, string>>;
  fingerprinter: () => Promise<FingerprintFn>;
  /** The inventory's store (all-or-nothing, journalled, refuses a plain login password). */
  store: (input: StoreSecretsInput) => Promise<StoreSecretsResult>;
}

export interface DriftRepair {
  /**
   * What the repair would change, with a token that binds it to the file and the keychain as they are now.
   * @throws AppError DRIFT_REPAIR_NOT_NEEDED (in sync), DRIFT_REPAIR_NOT_POSSIBLE (the source has no value, no
   *   `.env`, a plain login password in `.env`), SECRET_PASSWORD_NOT_HASHED (a plain one in the keychain),
   *   ENV_UNSAFE_VALUE (a keychain value `.env` cannot hold), SECRETS_INTERRUPTED, DEPLOYMENT_UNKNOWN, ENV_*,
   *   HOST_*, KEYCHAIN_*
   */
  preview(deploymentId: string, name: string, direction: DriftDirection): Promise<DriftRepairPreview>;
  /**
   * Makes the change the preview showed.
   * @throws AppError DRIFT_REPAIR_STALE when the `.env` or the keychain changed since the preview (nothing
   *   written); FS_CHANGED_ON_DISK when the file changed during the write; the errors of preview; ENV_*,
   *   HOST_*, KEYCHAIN_* from the write.
   */
  repair(deploymentId: string, name: string, direction: DriftDirection, token: string): Promise<DriftRepairResult>;
}

interface Snapshot {
  deployment: DeploymentRef;
  location: Location;
  /** Where the `.env` is on its host. */
  path: string;
  doc: EnvDoc;
  sha: string;
  /** The host read (a server's deployment), handed to the write that follows. */
  hostRead: HostEnvRead | null;
  keychainValue: string | undefined;
  envValue: string | undefined;
  keychainFingerprint: string | null;
  envFingerprint: string | null;
}

const STALE =
  'The .env file or the keychain changed since the preview. Nothing was written; check drift again and look at the new preview.';

function tokenOf(direction: DriftDirection, name: string, s: Snapshot): string {
  return createHash('sha256')
    .update(
      ['drift-repair/v1', direction, name, s.sha, s.keychainFingerprint ?? '-', s.envFingerprint ?? '-'].join('\0'),
    )
    .digest('hex');
}

/** A value as the preview shows it: a bcrypt hash's prefix (not secret), else withheld, with its fingerprint. */
function masked(name: string, value: string, fp: string): string {
  if (isBcryptHash(value)) return `${name}='${value.slice(0, 7)}…' (bcrypt hash, fingerprint ${fp})`;
  return `${name}=[value withheld] (${String(Array.from(value).length)} characters, fingerprint ${fp})`;
}

export function createDriftRepair(deps: DriftRepairDeps): DriftRepair {
  async function withHost<T>(location: Location, run: (host: DeploymentHost | null) => Promise<T>): Promise<T> {
    if (location.kind === 'local') return run(null);
    if (!deps.openHost) throw new AppError('HOST_UNSUPPORTED', 'This build cannot reach deployments on a server.');
    const host = deps.openHost(location);
    try {
      return await run(host);
    } finally {
      await host.close().catch(() => undefined);
    }
  }

  async function snapshot(
    id: string,
    deployment: DeploymentRef,
    location: Location,
    name: string,
    host: DeploymentHost | null,
  ): Promise<Snapshot> {
    const path = location.kind === 'ssh' ? posix.join(location.path, '.env') : join(deployment.folder, '.env');
    let doc: EnvDoc;
    let sha: string;
    let hostRead: HostEnvRead | null = null;
    const noEnv = () =>
      new AppError(
        'DRIFT_REPAIR_NOT_POSSIBLE',
        `The deployment has no .env file, so there is nothing to compare with. Write it first (setup or a restore), then check drift again.`,
      );
    if (host) {
      hostRead = await readEnvOnHost(host, path);
      if (hostRead === null) throw noEnv();
      ({ doc } = hostRead);
      sha = hostRead.sha256;
    } else {
      try {
        ({ doc, sha256: sha } = await readEnvFile(path));
      } catch (e) {
        if (isAppError(e) && e.code === 'ENV_FILE_NOT_FOUND') throw noEnv();
        throw e;
      }
    }
    const env = deps.readEnv(doc.text);
    const keychainValue = (await deps.entries(id)).get(name);
    const envValue = env.get(name);
    // Every value of the file is a possible secret from here on: none may reach a log line.
    for (const v of env.values()) if (v.length >= 6) deps.logger.redactor.register(v);
    const fp = await deps.fingerprinter();
    return {
      deployment,
      location,
      path,
      doc,
      sha,
      hostRead,
      keychainValue,
      envValue,
      keychainFingerprint: keychainValue === undefined ? null : fp(keychainValue),
      envFingerprint: envValue === undefined ? null : fp(envValue),
    };
  }

  /** Refuses a repair that has nothing to do or no source; returns the value that moves. */
  async function checked(s: Snapshot, name: string, direction: DriftDirection): Promise<string> {
    if (s.keychainValue !== undefined && s.envValue !== undefined) {
      const same = s.keychainFingerprint === s.envFingerprint || (await bcryptMatches(s.keychainValue, s.envValue));
      if (same)
        throw new AppError(
          'DRIFT_REPAIR_NOT_NEEDED',
          `${name} already holds the same value in .env and in the keychain; there is nothing to repair.`,
        );
    }
    const isPassword = deps.passwordVariables.has(name);
    if (direction === 'keychain-to-env') {
      if (s.keychainValue === undefined)
        throw new AppError(
          'DRIFT_REPAIR_NOT_POSSIBLE',
          `The keychain has no value for ${name}, so it cannot be written to .env. Adopt the .env value instead, or rotate ${name}.`,
        );
      // The keychain holds the login password's bcrypt hash; a plain one (an older version) never goes into .env.
      if (isPassword) assertStoredPasswordForm(name, s.keychainValue);
      // Refused at the preview rather than at the write: a value the `.env` cannot hold faithfully is never offered.
      assertWritableValue(name, s.keychainValue);
      return s.keychainValue;
    }
    if (s.envValue === undefined)
      throw new AppError(
        'DRIFT_REPAIR_NOT_POSSIBLE',
        `.env does not set ${name}, so there is no value to adopt. Write the keychain's value to .env instead.`,
      );
    if (isPassword && !isBcryptHash(s.envValue)) {
      throw new AppError(
        'DRIFT_REPAIR_NOT_POSSIBLE',
        `.env holds ${name} as a plain password, which Crucible does not accept and the app never stores. Write the keychain's hash to .env instead, or rotate the login password to set a new one.`,
      );
    }
    return s.envValue;
  }

  function previewOf(s: Snapshot, name: string, direction: DriftDirection): DriftRepairPreview {
    const file = s.location.kind === 'ssh' ? `${basename(s.path)} on ${s.location.host}` : '.env';
    let diff: string;
    if (direction === 'keychain-to-env') {
      const after = masked(name, s.keychainValue ?? '', s.keychainFingerprint ?? '');
      const entry = [...s.doc.entries].reverse().find((e) => e.key === name);
      if (entry && s.envValue !== undefined) {
        diff = `--- .env\n+++ .env\n@@ -${String(entry.line)} +${String(entry.line)} @@\n-${masked(name, s.envValue, s.envFingerprint ?? '')}\n+${after}\n`;
      } else {
        const lines = s.doc.text === '' ? 0 : s.doc.text.replace(/\r?\n$/, '').split(/\r?\n/).length;
        diff = `--- .env\n+++ .env\n@@ -${String(lines)},0 +${String(lines + 1)} @@\n+${after}\n`;
      }
    } else {
      diff = `keychain: ${name} fingerprint ${s.keychainFingerprint ?? '(none)'} → ${s.envFingerprint ?? '(none)'}\n`;
    }
    return {
      deploymentId: s.deployment.id,
      name,
      direction,
      file,
      diff,
      keychainFingerprint: s.keychainFingerprint,
      envFingerprint: s.envFingerprint,
      token: tokenOf(direction, name, s),
    };
  }

  return {
    async preview(id, name, direction) {
      // Settled once per call: the snapshot reuses this deployment instead of reading the store again.
      const { deployment } = await deps.settled(id);
      const location = parseLocation(deployment.folder, '/');
      return withHost(location, async (host) => {
        const s = await snapshot(id, deployment, location, name, host);
        await checked(s, name, direction);
        return previewOf(s, name, direction);
      });
    },

    async repair(id, name, direction, token) {
      const { deployment } = await deps.settled(id);
      const location = parseLocation(deployment.folder, '/');
      return withHost(location, async (host) => {
        const s = await snapshot(id, deployment, location, name, host);
        if (tokenOf(direction, name, s) !== token) throw new AppError('DRIFT_REPAIR_STALE', STALE);
        const value = await checked(s, name, direction);
        const entry = {
          type: 'secrets.drift-repaired' as const,
          deploymentId: id,
          subject: name,
          details: { direction },
        };
        if (direction === 'keychain-to-env') {
          await deps.journal.preflight([entry]);
          const keepPreviousIn = previousVersionsFolder(deps.home, id);
          const changes = [{ op: 'set' as const, key: name, value }];
          let previousKept: boolean;
          if (host) {
            const r = await writeEnvOnHost(host, s.path, changes, {
              expectedSha256: s.sha,
              keepPreviousIn,
              clock: deps.clock,
              current: s.hostRead,
            });
            previousKept = r.previousKeptAs !== null;
          } else {
            const r = await writeEnvFile(s.path, changes, { expectedSha256: s.sha, keepPreviousIn, clock: deps.clock });
            previousKept = r.backupPath !== null;
          }
          await deps.journal.append({ ...entry, details: { direction, previousKept } });
          deps.logger.info('secrets.drift-repaired', { deploymentId: id, variable: name, direction });
          return { deploymentId: id, name, direction, fingerprint: s.keychainFingerprint ?? '', previousKept };
        }
        const stored = await deps.store({
          deploymentId: id,
          values: { [name]: value },
          origin: 'imported',
          journalEntries: [entry],
          // The file must still be the one previewed when the keychain takes its value; else the keychain is put back.
          alsoWrite: async () => {
            const now = host
              ? (await readEnvOnHost(host, s.path))?.sha256
              : await readEnvFile(s.path).then(
                  (r) => r.sha256,
                  () => null,
                );
            if (now !== s.sha) throw new AppError('DRIFT_REPAIR_STALE', STALE);
          },
        });
        deps.logger.info('secrets.drift-repaired', { deploymentId: id, variable: name, direction });
        return { deploymentId: id, name, direction, fingerprint: stored.fingerprints[name] ?? '', previousKept: false };
      });
    },
  };
}
