/**
 * The invocations that run without the core services being loaded at all (state store, keychain, SSH,
 * rotation…): group → whether these arguments need none. Any other group always gets them.
 * test/unit/cli/lazy.test.ts checks the sources of the groups that never need them. This module imports
 * nothing: the CLI's entry (cli/index.ts, a bundle of its own) reads it to route a local check-env.
 */
export const RUNS_WITHOUT_CORE: Readonly<Record<string, (args: readonly string[]) => boolean>> = {
  // A server's folder (ssh://…) is read through the core's SSH connections; a local one needs nothing.
  proxy: (args) => !args.some((a) => a.startsWith('ssh://')),
  // A server's folder (ssh://…) is read through the core's SSH connections; a local one needs nothing.
  firewall: (args) => !args.some((a) => a.startsWith('ssh://')),
  generate: () => true,
  'hash-password': () => true,
  // A .env on a server (ssh://…) is read through the core's SSH connections; a local one needs nothing.
  'check-env': (args) => !args.some((a) => a.startsWith('ssh://')),
};
