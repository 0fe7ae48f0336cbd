import { resolve } from 'node:path';
import type { Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { deploymentComposeFiles, setDeploymentComposeFiles } from '../../core/inventory/compose-files';
import { composeFileFlags } from '../../core/compose/file-names';
import type { Location } from '../../core/host/location';

export const composeFilesCommand: Command = {
  name: 'compose-files',
  summary: 'Show or change the compose files a registered deployment runs with',
  usage: `crucible-secrets compose-files DIR|ssh://… [FILE]... [--json]

Without FILE: the compose files the deployment is recorded to run with, and every compose file in its
folder. With FILE (one or more, in merge order, e.g. docker-compose.prod.yml): records those instead, after
checking each is a file in the deployment folder (on the server for ssh://…). The change is journalled.
The audit, rotation (which services to recreate), the front door (proxy, firewall) and every command the
app runs or prints then read exactly these files, and name them with -f.`,
  exitCodes: {
    0: 'shown, or recorded',
    65: 'not a registered deployment, or a file is not a compose file in its folder (nothing changed)',
  },
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir, ...files] = positionals;
    if (dir === undefined)
      throw new UsageError('give the deployment folder or ssh:// location, then the compose files to record');
    const core = io.core();
    const d = await deploymentForFolder(await core.store.read(), dir.startsWith('ssh://') ? dir : resolve(dir));
    const deps = { store: core.store, journal: core.journal, openHost: (l: Location) => core.openHost(l) };
    if (files.length === 0) {
      const r = await deploymentComposeFiles(deps, d.id);
      if (values.json) writeJson(io, r);
      else {
        io.stdout.write(
          `${d.name} runs with: ${r.recorded.length > 0 ? r.recorded.join(', ') : 'the default files (no -f)'}\n`,
        );
        io.stdout.write(`Compose files in its folder: ${r.inFolder.join(', ') || 'none'}\n`);
      }
      return ExitCode.Ok;
    }
    const updated = await setDeploymentComposeFiles(deps, d.id, files);
    if (values.json) writeJson(io, { recorded: updated.composeFiles });
    else
      io.stdout.write(
        `${d.name} now runs with: ${updated.composeFiles.join(', ')}\nRun it with: ${['docker compose', ...composeFileFlags(updated.composeFiles), 'up -d'].join(' ')}\n`,
      );
    return ExitCode.Ok;
  },
};
