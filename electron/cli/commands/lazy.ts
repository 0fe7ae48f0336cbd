import type { Command } from '../command';

/**
 * Each command group's code, loaded only when an invocation names it: the built CLI (an ES module build with
 * code splitting) then reads only the modules that command uses. Keyed by the first word of the command's
 * name. test/unit/cli/lazy.test.ts checks this table against commands/index.ts.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<readonly Command[]>>> = {
  doctor: async () => [(await import('./doctor')).doctorCommand],
  proxy: async () => [(await import('./proxy')).proxyCommand],
  firewall: async () => [(await import('./firewall')).firewallCommand],
  generate: async () => [(await import('./generate')).generateCommand],
  'hash-password': async () => [(await import('./hash-password')).hashPasswordCommand],
  'check-env': async () => [(await import('./check-env')).checkEnvCommand],
  audit: async () => [(await import('./audit')).auditCommand],
  secrets: async () => (await import('./secrets')).secretsCommands,
  keychain: async () => [(await import('./keychain')).keychainUseCommand],
  backup: async () => (await import('./backup')).backupCommands,
  incident: async () => (await import('./incident')).incidentCommands,
  init: async () => [(await import('./init')).initCommand],
  rotate: async () => [(await import('./rotate')).rotateCommand],
  verify: async () => [(await import('./verify')).verifyCommand],
  'compose-files': async () => [(await import('./compose-files')).composeFilesCommand],
  dumps: async () => (await import('./dumps')).dumpsCommands,
};

// Which invocations run without the core services: its own module, as the CLI's entry reads it too (cli/index.ts).
export { RUNS_WITHOUT_CORE } from './runs-without-core';
