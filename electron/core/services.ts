import type { KeychainStatus } from '../common/ipc/keychain.ipc';
import type { Logger } from './log/logger';
import { appPaths, type AppPaths } from './paths/app-home';
import { createPreviousVersions, type PreviousVersions } from './inventory/previous';
import { createDumps, type Dumps } from './dumps/dumps';
import { previousVersionsFolder } from './fs/previous-versions';
import { diagnoseKeychain, type DoctorOptions } from './keychain/doctor';
import type { Keychain } from './keychain/keychain';
import type { VaultKdfParams } from './keychain/file-vault';
import { createKeychainProvider, type KeychainProvider } from './keychain/select';
import { createStateStore, type StateStore } from './store/state-store';
import { createJournal, type Journal } from './journal/journal';
import { createClipboardGuard, type ClipboardGuard, type Timers } from './inventory/clipboard-guard';
import { createInventory, requireDeployment, type Inventory } from './inventory/inventory';
import type { EnvReader } from './inventory/drift';
import { composeEnvReader } from './inventory/env-reader';
import type { StackProfile } from './stack/profile';
import { crucibleCeProfile } from './stack/crucible-ce';
import { passwordHashVariables } from './hashing/stored-form';
import { createAuditService, type AuditService } from './audit/audit.service';
import { createBackupService, type BackupService, type BackupServiceOptions } from './backup/backup.service';
import { envFilePort, stateStorePort } from './backup/adapters';
import { loadFingerprinter } from './inventory/fingerprint';
import { APP_VERSION } from './app-meta';
import { createIncidentService, type IncidentService } from './incident/incident.service';
import type { IncidentRotator } from './incident/rotate-port';
import { createRotationService, type RotationService } from './rotation/rotation.service';
import { createIncidentRotator } from './rotation/incident-rotator';
import type { CommandRunner } from './rotation/commands';
import { openHost, type DeploymentHost, type Location, type SshClientOptions } from './host';

/**
 * Everything the app's domain logic needs, built once with its dependencies (clock, environment,
 * filesystem root, logger). The Electron main process, the test harness and the CLI all build it the same
 * way, so all three run the same core. No module-level singletons.
 */
export interface CoreDeps {
  home: string;
  logger: Logger;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  doctor?: Omit<DoctorOptions, 'platform' | 'env' | 'clock'>;
  /** Tests: use this keychain whatever the admin's choice (a MemoryKeychain in unit tests). */
  keychain?: Keychain;
  /** Argon2id parameters for a new file vault (tests use small ones). */
  vaultKdf?: VaultKdfParams;
  random?: (n: number) => Buffer;
  /** The stack profile; default the built-in Crucible CE profile (chosen here, the composition root, only). */
  profile?: StackProfile;
  /** The `.env` parser used by drift. */
  readEnv?: EnvReader;
  clipboardTimers?: Timers;
  /** Tests only: cheaper backup KDF parameters (see backup/kdf.ts). */
  backup?: BackupServiceOptions;
  /** The rotate-all entry point the incident runbook uses (tests inject one). */
  incidentRotator?: IncidentRotator;
  /** Runs the rotation playbooks' docker commands (default: spawn with a controlled environment). */
  rotationRunner?: CommandRunner;
  /** How to call OpenSSH for deployments on a server (tests: a private -F config and known_hosts). */
  sshOptions?: SshClientOptions;
}

export interface CoreServices {
  readonly paths: AppPaths;
  /** The stack profile every service was built with (the composition root chooses it, here only). */
  readonly profile: StackProfile;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly keychainDoctor: {
    /** The last diagnosis, made on first use. */
    status(): Promise<KeychainStatus>;
    /** A fresh diagnosis (after the admin unlocked the keyring, for example). */
    recheck(): Promise<KeychainStatus>;
  };
  /** The app state (store/state-store.ts). */
  readonly store: StateStore;
  /** The hash-chained action journal (journal/journal.ts). */
  readonly journal: Journal;
  /** The keychain the admin chose (keychain/select.ts); never falls back on its own. */
  readonly keychains: KeychainProvider;
  /** Secrets of a deployment: list, reveal, copy, drift, store (inventory/inventory.ts). */
  readonly inventory: Inventory;
  /** Clears a copied secret from the clipboard after 30 s; main calls clearNow() on quit. */
  readonly clipboardGuard: ClipboardGuard;
  /** Previous versions of the files the app replaced in a deployment, listed and put back (inventory/previous.ts). */
  readonly previousVersions: PreviousVersions;
  /** Encrypted database dumps under the app home: key, list, delete, decrypt (dumps/dumps.ts). */
  readonly dumps: Dumps;
  /** Security audit, fixes, checklist, report, dashboard (audit/audit.service.ts). */
  readonly audit: AuditService;
  /** Encrypted offline backups: export, verify, restore (backup/backup.service.ts). */
  readonly backup: BackupService;
  /** The incident response runbook and its report (incident/incident.service.ts). */
  readonly incident: IncidentService;
  /** Guided, journaled secret rotation (rotation/rotation.service.ts). */
  readonly rotation: RotationService;
  /** Rotate-all in dependency order, shaped as the incident runbook's port (rotation/incident-rotator.ts). */
  readonly rotateAll: IncidentRotator;
  /** The host a deployment location lives on: this computer, or a server over the admin's OpenSSH (host/). */
  openHost(location: Location): DeploymentHost;
}

export function createCoreServices(deps: CoreDeps): CoreServices {
  const clock = deps.clock ?? (() => new Date());
  let last: Promise<KeychainStatus> | undefined;
  const run = () => {
    last = diagnoseKeychain({ ...deps.doctor, platform: deps.platform, env: deps.env, clock }).then((s) => {
      deps.logger.info('keychain.status', { backend: s.backend, usable: s.usable, problem: s.problem?.code });
      return s;
    });
    return last;
  };
  const paths = appPaths(deps.home);
  const store = createStateStore({ file: paths.stateFile, logger: deps.logger, clock });
  const journal = createJournal({ file: paths.journalFile, clock, redactor: deps.logger.redactor });
  const keychains = createKeychainProvider({
    readChoice: () => store.read().then((s) => s.settings.keychainBackend),
    vaultFile: paths.vaultFile,
    platform: deps.platform,
    fixed: deps.keychain,
    vaultKdf: deps.vaultKdf,
  });
  const clipboardGuard = createClipboardGuard({ clock, timers: deps.clipboardTimers });
  const profile = deps.profile ?? crucibleCeProfile;
  const openDeploymentHost = (location: Location): DeploymentHost =>
    openHost(location, {
      home: paths.home,
      env: deps.env,
      profileNames: profile.variables.map((v) => v.name),
      sshOptions: deps.sshOptions,
      clock,
    });
  const inventory = createInventory({
    store,
    journal,
    keychain: () => keychains.get(),
    logger: deps.logger,
    clock,
    random: deps.random,
    clipboardGuard,
    readEnv: deps.readEnv ?? composeEnvReader,
    profile,
    openHost: openDeploymentHost,
    home: paths.home,
  });
  const passwordVariables = passwordHashVariables(profile);
  const backup = createBackupService(
    {
      keychain: () => keychains.get(),
      state: stateStorePort(store, clock),
      journal,
      env: envFilePort(passwordVariables, {
        home: paths.home,
        openHost: (location) => openDeploymentHost(location),
      }),
      fingerprinter: async () => loadFingerprinter(await keychains.get(), { create: true, random: deps.random }),
      logger: deps.logger,
      clock,
      appVersion: APP_VERSION,
      recoverInterruptedWrites: (ids) => Promise.all(ids.map((id) => inventory.recover(id))),
      passwordVariables,
      random: deps.random,
    },
    deps.backup,
  );
  const dumps = createDumps({ home: paths.home, store, journal, keychain: () => keychains.get() });
  const rotation = createRotationService({
    dumpRecipient: async () => (await dumps.recipient()).recipient,
    store,
    journal,
    keychain: () => keychains.get(),
    logger: deps.logger,
    clock,
    profile,
    random: deps.random,
    env: deps.env,
    runner: deps.rotationRunner,
    home: paths.home,
    openHost: openDeploymentHost,
  });
  const rotateAll = createIncidentRotator(rotation, profile);
  const incident = createIncidentService({
    store,
    journal,
    logger: deps.logger,
    clock,
    keychain: () => keychains.get(),
    rotator: () => deps.incidentRotator ?? rotateAll,
    profile,
    home: paths.home,
    random: deps.random,
  });
  return {
    paths,
    profile,
    logger: deps.logger,
    clock,
    keychainDoctor: { status: () => last ?? run(), recheck: run },
    store,
    journal,
    keychains,
    inventory,
    clipboardGuard,
    dumps,
    previousVersions: createPreviousVersions({
      home: paths.home,
      clock,
      journal,
      openHost: openDeploymentHost,
      deployment: async (id) => requireDeployment(await store.read(), id),
    }),
    audit: createAuditService({
      store,
      journal,
      logger: deps.logger,
      clock,
      profile,
      platform: deps.platform,
      random: deps.random,
      keychain: () => keychains.get(),
      openHost: openDeploymentHost,
      previousFolder: (id) => previousVersionsFolder(paths.home, id),
    }),
    backup,
    incident,
    rotation,
    rotateAll,
    openHost: openDeploymentHost,
  };
}
