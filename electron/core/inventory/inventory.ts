import { open, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { formatLocation, parseLocation, type Location } from '../host/location';
import type { DeploymentHost } from '../host/host';
import { readEnvOnHost } from '../envfile/on-host';
import { AppError, isAppError } from '../../common/errors';
import type {
  DriftDirection,
  DriftRepairPreview,
  DriftRepairResult,
  DriftReport,
  SecretList,
  SecretReach,
  SecretRef,
} from '../../common/ipc/secrets.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { serviceFor } from '../keychain/keychain';
import { assertStoredPasswordForm } from '../hashing/stored-form';
import type { StackProfile } from '../stack/profile';
import type { AppState } from '../store/schema';
import { loadFingerprinter, type FingerprintFn } from './fingerprint';
import { bcryptMatches, compareDrift, type EnvReader } from './drift';
import { reachesByVariable } from './reaches';
import { hostFolderReader } from '../host/folder-reader';
import { createDriftRepair } from './drift-repair';
import type { ClipboardGuard, ClipboardLike } from './clipboard-guard';
import {
  recoverInterruptedWrites,
  storeSecrets,
  type SecretsWriterDeps,
  type StoreSecretsInput,
  type StoreSecretsResult,
} from './store-secrets';

/**
 * A deployment's secrets (issue 4 item 5): references, explicit reveal and copy, drift against the `.env`,
 * and the all-or-nothing store that setup and rotation call. Values are registered with the log redactor
 * the moment they are read, and every reveal and copy is journaled (name only).
 */
export interface InventoryDeps extends SecretsWriterDeps {
  clipboardGuard: ClipboardGuard;
  /** The `.env` parser (core/envfile). */
  readEnv: EnvReader;
  /** The stack profile: which variables are secrets and their kinds. Without it, the state and keychain decide. */
  profile?: StackProfile;
  /** Opens the host of a deployment on a server (`ssh://`), so drift reads the `.env` that runs. */
  openHost?: (location: Location) => DeploymentHost;
  /** The app home: a drift repair keeps the previous `.env` under it (fs/previous-versions.ts). */
  home: string;
}

export interface Inventory {
  list(deploymentId: string): Promise<SecretList>;
  /** @throws AppError SECRET_NOT_FOUND, SECRETS_INTERRUPTED, KEYCHAIN_* */
  reveal(deploymentId: string, name: string): Promise<string>;
  /** @throws as reveal */
  copy(deploymentId: string, name: string, clipboard: ClipboardLike): Promise<{ clearsAt: Date }>;
  /** @throws AppError ENV_SYMLINK_REFUSED, KEYCHAIN_* */
  drift(deploymentId: string): Promise<DriftReport>;
  /** @throws AppError SECRET_PASSWORD_NOT_HASHED for a plain login password; the errors of storeSecrets. */
  store(input: StoreSecretsInput): Promise<StoreSecretsResult>;
  recover(deploymentId?: string): Promise<string[]>;
  /** The change a drift repair would make (inventory/drift-repair.ts). @throws AppError DRIFT_REPAIR_*, ENV_*, HOST_*, KEYCHAIN_* */
  previewDriftRepair(deploymentId: string, name: string, direction: DriftDirection): Promise<DriftRepairPreview>;
  /** Makes the previewed change. @throws AppError DRIFT_REPAIR_STALE when anything changed since the preview; as previewDriftRepair */
  repairDrift(deploymentId: string, name: string, direction: DriftDirection, token: string): Promise<DriftRepairResult>;
}

/** The secrets a profile says live in the keychain: sensitive values the app generates. */
export function profileSecrets(profile: StackProfile | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of profile?.variables ?? []) {
    if (v.sensitive && (v.generator.type === 'random' || v.generator.type === 'bcrypt-login-password'))
      out.set(v.name, v.kind);
  }
  return out;
}

/** Finds a registered deployment. @throws AppError DEPLOYMENT_UNKNOWN */
export function requireDeployment(state: AppState, id: string): DeploymentRef {
  const d = state.deployments.find((x) => x.id === id);
  if (!d) throw new AppError('DEPLOYMENT_UNKNOWN', `No deployment with the id ${id} is registered. Set it up first.`);
  return d;
}

/**
 * The registered deployment whose folder is `dir` (symlinks and relative paths resolved on both sides).
 * @throws AppError DEPLOYMENT_NOT_REGISTERED
 */
export async function deploymentForFolder(state: AppState, dir: string): Promise<DeploymentRef> {
  if (dir.startsWith('ssh://')) {
    // A server's deployment is registered under its location, written one way (formatLocation).
    const want = formatLocation(parseLocation(dir, '/'));
    const found = state.deployments.find(
      (d) => d.folder.startsWith('ssh://') && formatLocation(parseLocation(d.folder, '/')) === want,
    );
    if (found) return found;
    throw new AppError(
      'DEPLOYMENT_NOT_REGISTERED',
      `${want} is not the location of a registered deployment. Run \`crucible-secrets init ${want}\` first, or pass the location you set up.`,
    );
  }
  const canon = async (p: string) => realpath(p).catch(() => resolve(p));
  const want = await canon(dir);
  for (const d of state.deployments) if (!d.folder.startsWith('ssh://') && (await canon(d.folder)) === want) return d;
  throw new AppError(
    'DEPLOYMENT_NOT_REGISTERED',
    `${dir} is not the folder of a registered deployment. Run setup for it first, or pass the folder you set up.`,
  );
}

/** Reads `<folder>/.env` without following a symlink. null when there is none. */
export async function readEnvText(folder: string): Promise<string | null> {
  let fh;
  try {
    fh = await open(join(folder, '.env'), constants.O_RDONLY | ((constants.O_NOFOLLOW as number | undefined) ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP')
      throw new AppError(
        'ENV_SYMLINK_REFUSED',
        'The .env file is a symbolic link; the app only reads regular files. Replace the link with the file itself.',
      );
    throw new AppError('ENV_UNREADABLE', `The .env file cannot be read (${code ?? 'EIO'}). Check its permissions.`);
  }
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

export function createInventory(deps: InventoryDeps): Inventory {
  /** The deployment's `.env` text where it lives: here, or on its server (one connection, closed after). */
  async function envTextOf(d: DeploymentRef): Promise<string | null> {
    const loc = parseLocation(d.folder, '/');
    if (loc.kind === 'local') return readEnvText(d.folder);
    if (!deps.openHost) throw new AppError('HOST_UNSUPPORTED', 'This build cannot reach deployments on a server.');
    const host = deps.openHost(loc);
    try {
      const r = await readEnvOnHost(host, posix.join(loc.path, '.env'));
      return r === null ? null : r.doc.text;
    } finally {
      await host.close();
    }
  }

  const expected = profileSecrets(deps.profile);

  /** Which services receive each variable (inventory/reaches.ts); null when unknown. The `.env` is read for its names and `${…}` routes only. */
  async function reachesOf(d: DeploymentRef): Promise<Map<string, SecretReach[]> | null> {
    const loc = parseLocation(d.folder, '/');
    // A server's compose files are read over one connection, as the audit reads them (closed after).
    const host = loc.kind === 'ssh' && deps.openHost ? deps.openHost(loc) : null;
    if (loc.kind === 'ssh' && host === null) return null;
    try {
      let text: string | null;
      try {
        text =
          host === null
            ? await envTextOf(d)
            : ((await readEnvOnHost(host, posix.join(loc.path, '.env')))?.doc.text ?? null);
      } catch (e) {
        if (isAppError(e)) return null;
        throw e;
      }
      const env = text === null ? null : deps.readEnv(text);
      const sensitive = new Set((deps.profile?.variables ?? []).filter((v) => v.sensitive).map((v) => v.name));
      for (const [k, v] of env ?? []) if (sensitive.has(k) || expected.has(k)) deps.logger.redactor.register(v);
      return await reachesByVariable(
        d,
        env,
        deps.profile,
        host === null ? d.folder : hostFolderReader(host, loc.path, loc.path),
      );
    } finally {
      await host?.close();
    }
  }

  /** Reads the keychain entries of a deployment, registering every value with the redactor. */
  async function entries(id: string): Promise<Map<string, string>> {
    const kc = await deps.keychain();
    const list = await kc.list(serviceFor(id));
    for (const e of list) deps.logger.redactor.register(e.value);
    return new Map(list.map((e) => [e.account, e.value]));
  }

  async function fingerprinter(): Promise<FingerprintFn | null> {
    try {
      return await loadFingerprinter(await deps.keychain(), { create: false });
    } catch (e) {
      if (isAppError(e) && e.code === 'FINGERPRINT_KEY_MISSING') return null;
      throw e;
    }
  }

  /** Repairs an interrupted write first; refuses to hand out values of a half-written deployment. */
  async function settled(id: string): Promise<AppState> {
    let state = await deps.store.read();
    requireDeployment(state, id);
    if (state.pendingKeychainWrites.some((p) => p.deploymentId === id)) {
      await recoverInterruptedWrites(deps, id).catch(() => undefined);
      state = await deps.store.read();
    }
    return state;
  }

  async function value(id: string, name: string): Promise<string> {
    const state = await settled(id);
    if (state.pendingKeychainWrites.some((p) => p.deploymentId === id)) {
      throw new AppError(
        'SECRETS_INTERRUPTED',
        'A write of these secrets was interrupted and is not repaired yet. Unlock the keychain, then try again.',
      );
    }
    const v = (await entries(id)).get(name);
    if (v === undefined)
      throw new AppError('SECRET_NOT_FOUND', `The keychain has no value for ${name} in this deployment.`);
    return v;
  }

  function namesOf(state: AppState, id: string, keychain: Map<string, string> | null): string[] {
    return [
      ...new Set([...expected.keys(), ...Object.keys(state.secrets[id] ?? {}), ...(keychain?.keys() ?? [])]),
    ].sort();
  }

  const store = async (input: StoreSecretsInput): Promise<StoreSecretsResult> => {
    // The login password is stored as its bcrypt hash only (hashing/stored-form.ts), like the `.env` the
    // caller writes beside it: a plain value is refused before anything changes.
    for (const [name, value] of Object.entries(input.values))
      if (expected.get(name) === 'login-password') assertStoredPasswordForm(name, value);
    return storeSecrets(deps, input);
  };

  const driftRepair = createDriftRepair({
    home: deps.home,
    journal: deps.journal,
    logger: deps.logger,
    clock: deps.clock,
    readEnv: deps.readEnv,
    openHost: deps.openHost,
    passwordVariables: new Set([...expected].filter(([, kind]) => kind === 'login-password').map(([name]) => name)),
    settled: async (id) => {
      const state = await settled(id);
      if (state.pendingKeychainWrites.some((p) => p.deploymentId === id)) {
        throw new AppError(
          'SECRETS_INTERRUPTED',
          'A write of these secrets was interrupted and is not repaired yet. Unlock the keychain, then try again.',
        );
      }
      return { state, deployment: requireDeployment(state, id) };
    },
    entries,
    fingerprinter: async () =>
      (await fingerprinter()) ??
      (await loadFingerprinter(await deps.keychain(), { create: true, random: deps.random })),
    store,
  });

  return {
    async list(id) {
      const state = await settled(id);
      const metas = state.secrets[id] ?? {};
      const interrupted = state.pendingKeychainWrites.some((p) => p.deploymentId === id);
      let keychain: Map<string, string> | null = null;
      let fp: FingerprintFn | null = null;
      let keychainProblem: SecretList['keychainProblem'] = null;
      try {
        keychain = await entries(id);
        fp = await fingerprinter();
      } catch (e) {
        if (!isAppError(e)) throw e;
        keychainProblem = { code: e.code, message: e.message };
      }
      const reaches = await reachesOf(requireDeployment(state, id));
      const refs: SecretRef[] = namesOf(state, id, keychain).map((name) => {
        const meta = metas[name];
        const v = keychain?.get(name);
        const current = v !== undefined && fp ? fp(v) : null;
        let status: SecretRef['status'];
        if (interrupted) status = 'interrupted';
        else if (!keychain) status = 'unavailable';
        else if (v === undefined) status = 'missing';
        else if (!meta) status = 'untracked';
        else status = current === meta.fingerprint ? 'ok' : 'changed';
        return {
          name,
          kind: expected.get(name) ?? 'secret',
          fingerprint: current ?? meta?.fingerprint ?? null,
          created: meta?.created ?? null,
          rotated: meta?.lastRotated ?? null,
          generation: meta?.generation ?? null,
          origin: meta?.origin ?? null,
          status,
          ...(reaches ? { reaches: reaches.get(name) ?? [] } : {}),
        };
      });
      return { deploymentId: id, refs, keychainProblem };
    },

    async reveal(id, name) {
      const v = await value(id, name);
      await deps.journal.append({ type: 'secret.revealed', deploymentId: id, subject: name });
      return v;
    },

    async copy(id, name, clipboard) {
      const v = await value(id, name);
      const r = deps.clipboardGuard.copy(clipboard, v);
      await deps.journal.append({
        type: 'secret.copied',
        deploymentId: id,
        subject: name,
        details: { clearsAfterSeconds: 30 },
      });
      return r;
    },

    async drift(id) {
      const state = await settled(id);
      const d = requireDeployment(state, id);
      const keychain = await entries(id);
      const fp =
        (await fingerprinter()) ??
        (await loadFingerprinter(await deps.keychain(), { create: true, random: deps.random }));
      const text = await envTextOf(d);
      const env = text === null ? null : deps.readEnv(text);
      const names = namesOf(state, id, keychain);
      for (const n of names) {
        const v = env?.get(n);
        if (v !== undefined) deps.logger.redactor.register(v);
      }
      const items = await compareDrift({ names, keychain, env, fingerprint: fp, matchesDerived: bcryptMatches });
      const loc = parseLocation(d.folder, '/');
      const envFile = loc.kind === 'ssh' ? `${formatLocation(loc)}/.env` : join(d.folder, '.env');
      return {
        deploymentId: id,
        envFile,
        envFound: text !== null,
        items,
        inSync: items.every((i) => i.status === 'in-sync'),
      };
    },

    store,
    recover: (id) => recoverInterruptedWrites(deps, id),
    previewDriftRepair: (id, name, direction) => driftRepair.preview(id, name, direction),
    repairDrift: (id, name, direction, token) => driftRepair.repair(id, name, direction, token),
  };
}
