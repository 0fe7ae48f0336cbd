import { resolve } from 'node:path';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { AppError } from '../../common/errors';
import { hostFolderReader } from '../../core/host/folder-reader';
import { parseLocation } from '../../core/host/location';
import { assertFolder } from '../../core/proxy/generate';
import { readComposeFacts, type ComposeFacts } from '../../core/proxy/compose-facts';
import { recordedComposeFiles } from './recorded-compose';
import { firewallGuide } from '../../core/proxy/firewall';

export const firewallCommand: Command = {
  name: 'firewall',
  summary: 'Print host firewall commands (ufw or nftables) allowing only SSH, 80 and 443, with the Docker caveat',
  usage: `crucible-secrets firewall DIR|ssh://… [--ssh-port N] [--interface NAME] [--json]

DIR is the Crucible folder; its compose files are read to find ports published on every interface, which
Docker lets past ufw and nftables input rules. Nothing is run or written: the commands are printed for
you to review and run as root on the server. Use the ufw commands or the nftables file, not both.

Options:
  --ssh-port N        the SSH port to keep open (default 22)
  --interface NAME    the internet-facing interface for the DOCKER-USER rules (default eth0)
  --json              print as JSON`,
  exitCodes: { 0: 'printed', 65: 'DIR is not a folder that can be read' },
  allowPositionals: true,
  options: { 'ssh-port': { type: 'string' }, interface: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || positionals[0] === undefined)
      throw new UsageError('give exactly one DIR (the Crucible folder).');
    const sshRaw = typeof values['ssh-port'] === 'string' ? values['ssh-port'] : undefined;
    if (sshRaw !== undefined && !/^\d+$/.test(sshRaw)) throw new UsageError('--ssh-port needs a port number.');
    const dir = positionals[0].startsWith('ssh://') ? positionals[0] : resolve(positionals[0]);
    // A registered deployment: the compose files it runs with; an unregistered folder: every one there.
    const recorded = await recordedComposeFiles(io, dir);
    const compose = dir.startsWith('ssh://')
      ? await composeFactsOnServer(io, dir, recorded)
      : await composeFactsHere(dir, recorded);
    const guide = firewallGuide({
      sshPort: sshRaw === undefined ? undefined : Number(sshRaw),
      externalInterface: typeof values.interface === 'string' ? values.interface : undefined,
      publishedPorts: compose.services.flatMap((s) => s.ports),
    });
    if (values.json) {
      writeJson(io, guide);
      return ExitCode.Ok;
    }
    const exposed = guide.publishedPorts.filter((p) => p.allInterfaces);
    io.stdout.write(`Docker caveat: ${guide.dockerCaveat}\n\n`);
    if (exposed.length > 0) {
      io.stdout.write('Published on every interface (reachable past the firewall):\n');
      for (const p of exposed)
        io.stdout.write(`  ${p.service}: "${p.raw}" in ${p.file}${p.line ? `:${String(p.line)}` : ''}\n`);
      io.stdout.write('\n');
    } else if (compose.files.length > 0) {
      io.stdout.write(`No port in ${compose.files.join(', ')} is published on every interface.\n\n`);
    }
    for (const f of guide.files) {
      io.stdout.write(`==> ${f.name}: ${f.description}\n${f.content}\n`);
    }
    return ExitCode.Ok;
  },
};

async function composeFactsHere(dir: string, recorded: readonly string[]): Promise<ComposeFacts> {
  await assertFolder(dir);
  return readComposeFacts(dir, recorded);
}

/** The compose files of a folder on a server, read there through the admin's OpenSSH. */
async function composeFactsOnServer(io: CliIO, input: string, recorded: readonly string[]): Promise<ComposeFacts> {
  const loc = parseLocation(input, '/');
  const host = io.core().openHost(loc);
  try {
    if ((await host.stat(loc.path))?.kind !== 'dir')
      throw new AppError('PROXY_FOLDER_INVALID', `${loc.path} is not a folder on ${host.label}.`);
    return await readComposeFacts(hostFolderReader(host, loc.path, loc.path), recorded);
  } finally {
    await host.close();
  }
}
