import type { Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { KEEP_PER_FILE } from '../../core/fs/previous-versions';

const usage = 'crucible-secrets secrets previous DIR [--json] [--restore ID --yes]';

/**
 * `secrets previous DIR`: the previous versions of `.env`, the compose files and `.gitignore` that the app kept
 * under its own folder when it replaced them (setup, rotation, restore, fixes), and putting one back.
 */
export const secretsPreviousCommand: Command = {
  name: 'secrets previous',
  summary: 'List the previous versions of .env and the compose files the app kept, and put one back',
  usage: `${usage}

DIR is the folder (or ssh:// location) of a registered deployment. Each time the app replaces .env, a
compose file or .gitignore there, it keeps the version it replaced in its own folder (never beside the file,
where git could pick it up): the newest ${String(KEEP_PER_FILE)} of each file, 0600.

  --restore ID  put that version back (ID as listed). The file as it is now is kept first, so this can be
                undone the same way. Needs --yes. A restored .env may disagree with the keychain:
                \`crucible-secrets secrets drift DIR\` shows where.`,
  exitCodes: {
    0: 'listed, or put back',
    64: '--restore without --yes',
    65: 'DIR is not a registered deployment, or ID is not a kept version',
  },
  options: { json: { type: 'boolean' }, restore: { type: 'string' }, yes: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const dir = positionals[0];
    if (dir === undefined || positionals.length > 1) throw new UsageError(`expected DIR. Usage: ${usage}`);
    const core = io.core();
    const deployment = await deploymentForFolder(await core.store.read(), dir);
    const id = values.restore;
    if (typeof id === 'string') {
      if (values.yes !== true)
        throw new UsageError(`putting ${id} back replaces the file in the deployment; add --yes. Usage: ${usage}`);
      const r = await core.previousVersions.restore(deployment.id, id);
      if (values.json) writeJson(io, r);
      else {
        io.stdout.write(
          `Put ${r.file} back from ${id}.${r.keptCurrentAs ? ' The version it replaced is kept too (listed above the others).' : ''}\n`,
        );
        if (r.file === '.env')
          io.stdout.write(
            `Check that it agrees with the keychain: crucible-secrets secrets drift ${dir}\nThen apply it: docker compose up -d --force-recreate\n`,
          );
      }
      return ExitCode.Ok;
    }
    const list = await core.previousVersions.list(deployment.id);
    if (values.json)
      writeJson(io, {
        deployment: { id: deployment.id, name: deployment.name, folder: deployment.folder },
        versions: list,
      });
    else if (list.length === 0) io.stdout.write(`No previous versions are kept for ${deployment.name} yet.\n`);
    else {
      const w = Math.max(2, ...list.map((v) => v.id.length));
      const fw = Math.max(4, ...list.map((v) => v.of.length));
      io.stdout.write(`${'ID'.padEnd(w)}  ${'FILE'.padEnd(fw)}  REPLACED (UTC)\n`);
      for (const v of list)
        io.stdout.write(
          `${v.id.padEnd(w)}  ${v.of.padEnd(fw)}  ${v.takenAt.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z')}\n`,
        );
    }
    return ExitCode.Ok;
  },
};
