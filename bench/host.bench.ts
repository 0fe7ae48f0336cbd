import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalHost } from '../electron/core/host/local-host';
import { SshHost } from '../electron/core/host/ssh-host';
import { startSshd } from '../test/helpers/sshd';
import { interleaved, wallMs, type Row } from './lib';

/**
 * What a command costs over SSH: ten small `run`s on a multiplexed connection (after the first one set it
 * up) beside the same ten on this computer, plus the first connection itself. The server is a real OpenSSH
 * on 127.0.0.1 (test/helpers/sshd.ts; needs root and openssh-server), so network latency is left out: the
 * figures are the protocol's and the processes' own cost. Run: `node bench/run.mjs host`.
 */
export default async function hostBench(): Promise<Row[]> {
  const sshd = await startSshd();
  const home = mkdtempSync(join(tmpdir(), 'cs-bench-host-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SSH_AUTH_SOCK'));
  const ssh = new SshHost(sshd.location(home), { home, env, ssh: { sshConfigFile: sshd.clientConfig() } });
  const local = new LocalHost({ kind: 'local', path: home }, { env });
  try {
    const first = await wallMs(() => ssh.run(['true']));
    const ten = (h: SshHost | LocalHost) => () =>
      wallMs(async () => {
        for (let i = 0; i < 10; i++) await h.run(['true']);
      });
    const [overSsh, here] = await interleaved(ten(ssh), ten(local), { runs: 5, warmup: 1 });
    return [
      {
        group: 'host',
        name: 'first run over SSH (connects, authenticates, starts the shared master)',
        unit: 'ms',
        stats: { median: first, min: first, max: first, runs: 1 },
      },
      {
        group: 'host',
        name: '10 × `run(["true"])` over SSH, multiplexed (loopback sshd)',
        unit: 'ms',
        stats: overSsh,
        reference: { name: 'the same 10 runs on this computer (LocalHost, spawn)', stats: here },
        note: 'per run: one ssh mux client + a remote sh',
      },
    ];
  } finally {
    await ssh.close();
    await sshd.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
