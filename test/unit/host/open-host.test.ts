import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHost, parseLocation } from '../../../electron/core/host';
import { LocalHost } from '../../../electron/core/host/local-host';
import { SshHost } from '../../../electron/core/host/ssh-host';

describe('openHost', () => {
  const home = mkdtempSync(join(tmpdir(), 'cs-openhost-'));

  it('gives this computer for a folder', async () => {
    const host = openHost(parseLocation(home, '/'), { home });
    expect(host).toBeInstanceOf(LocalHost);
    expect(host.label).toBe('this computer');
    expect((await host.run(['pwd'])).stdout).toBe(`${home}\n`);
    await host.close();
  });

  it('gives an SSH host for an ssh:// location, connecting to nothing until used', async () => {
    const host = openHost(parseLocation('ssh://admin@box:2222/srv/crucible', '/'), { home: join(home, 'app') });
    expect(host).toBeInstanceOf(SshHost);
    expect(host.label).toBe('admin@box:2222');
    expect(host.location).toEqual({ kind: 'ssh', user: 'admin', host: 'box', port: 2222, path: '/srv/crucible' });
    await host.close(); // nothing to end
  });
});
