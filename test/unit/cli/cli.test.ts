import { cliIo } from '../../helpers/cli-io';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import type { KeytarModule } from '../../../electron/core/keychain/keytar-keychain';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const io = () => cliIo();

function fakeKeytar(fail?: string): KeytarModule {
  const m = new Map<string, string>();
  const maybe = () => {
    if (fail) throw new Error(fail);
  };
  return {
    getPassword: (s, a) => Promise.resolve().then(() => (maybe(), m.get(`${s}/${a}`) ?? null)),
    setPassword: (s, a, p) => Promise.resolve().then(() => (maybe(), void m.set(`${s}/${a}`, p))),
    deletePassword: (s, a) => Promise.resolve().then(() => (maybe(), m.delete(`${s}/${a}`))),
    findCredentials: () => Promise.resolve([]),
  };
}

const coreWith = (keytar: KeytarModule) => () =>
  createCoreServices({
    home: mkdtempSync(join(tmpdir(), 'cs-cli-')),
    logger: createLogger({ sink: nullSink }),
    env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/fake' },
    platform: 'linux',
    doctor: { loadKeytar: () => keytar },
  });

describe('CLI', () => {
  it('prints help with every command and exit 0', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Usage: crucible-secrets <command>');
    expect(t.out()).toContain('doctor');
  });

  it('prints help and exits 64 when called with nothing', async () => {
    const t = io();
    expect(await runCli([], t.io)).toBe(64);
  });

  it('prints the version', async () => {
    const t = io();
    expect(await runCli(['--version'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names an unknown command and exits 64', async () => {
    const t = io();
    expect(await runCli(['frobnicate'], t.io)).toBe(64);
    expect(t.err()).toContain("unknown command 'frobnicate'");
  });

  it('names an unknown flag and exits 64', async () => {
    const t = io();
    expect(await runCli(['doctor', '--bogus'], t.io, { coreFactory: coreWith(fakeKeytar()) })).toBe(64);
    expect(t.err()).toContain('--bogus');
    expect(t.err()).toContain('crucible-secrets doctor --help');
  });

  it('shows per-command help', async () => {
    const t = io();
    expect(await runCli(['doctor', '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Exit codes');
  });

  it('doctor --json reports a usable keychain and exits 0', async () => {
    const t = io();
    const code = await runCli(['doctor', '--json'], t.io, { coreFactory: coreWith(fakeKeytar()) });
    const report = JSON.parse(t.out());
    expect(report.keychain).toMatchObject({ backend: 'secret-service', usable: true });
    expect(code).toBe(report.ok ? 0 : 1);
  });

  it('doctor says what a missing docker compose changes instead of only "everything works"', async () => {
    const t = io();
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent'; // no docker, no compose plugin, no git
    try {
      await runCli(['doctor'], t.io, { coreFactory: coreWith(fakeKeytar()) });
    } finally {
      process.env.PATH = path;
    }
    expect(t.out()).toContain('no `docker compose` plugin found');
    expect(t.out()).toContain('printed for you to run, not run');
  });

  it('doctor explains a locked keychain and exits 1', async () => {
    const t = io();
    const code = await runCli(['doctor'], t.io, {
      coreFactory: coreWith(fakeKeytar('Cannot create an item in a locked collection')),
    });
    expect(code).toBe(1);
    expect(t.out()).toContain('keychain is locked');
    expect(t.out()).toContain('Unlock');
  });
});
