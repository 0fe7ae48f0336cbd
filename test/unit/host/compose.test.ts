import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRunner, ComposeStatus, detectCompose } from '../../../electron/core/host/compose';
import { LocalHost } from '../../../electron/core/host/local-host';

/**
 * detectCompose against the real programs of this machine: the docker 28 CLI alone (/usr/local/bin/docker: no
 * compose plugin, no daemon) and Debian's Compose v1 (/usr/bin/docker-compose). PATH is a folder of links to
 * exactly the programs a case needs. What this machine cannot have (a working engine, Compose v2 installed
 * standalone) are small stand-in scripts printing what those programs print.
 */
const DOCKER = '/usr/local/bin/docker';
const COMPOSE_V1 = '/usr/bin/docker-compose';

function binWith(scripts: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-composebin-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  return dir;
}
const hostWithPath = (path: string) =>
  new LocalHost(
    { kind: 'local', path: tmpdir() },
    { env: { PATH: path, HOME: mkdtempSync(join(tmpdir(), 'cs-dockerhome-')) } },
  );
const dockerOnly = () => binWith({}, { docker: DOCKER });

describe('detectCompose', () => {
  it('on docker 28 without the plugin or a daemon: the CLI is there, compose v2 and the daemon are not, in words', async () => {
    const status = await detectCompose(hostWithPath(dockerOnly()));
    expect(ComposeStatus.parse(status)).toEqual(status);
    expect(status.docker).toEqual({ present: true, version: '28.2.2' });
    expect(status.composeV2).toEqual({ present: false, version: null });
    expect(status.daemon).toBe('down');
    expect(status.ready).toBe(false);
    expect(status.problems.map((p) => p.kind)).toEqual(['compose-plugin-missing', 'daemon-down']);
  });

  it('without docker at all: says so and checks nothing further', async () => {
    const status = await detectCompose(hostWithPath(binWith({})));
    expect(status.docker.present).toBe(false);
    expect(status.daemon).toBe('not-checked');
    expect(status.problems.map((p) => p.kind)).toEqual(['docker-missing']);
  });

  it('explains that Compose v1 is not driven and how to install the v2 plugin (Debian’s docker-compose 1.29)', async () => {
    const status = await detectCompose(hostWithPath(binWith({}, { docker: DOCKER, 'docker-compose': COMPOSE_V1 })));
    expect(status.dockerComposeProgram).toMatchObject({ present: true, generation: 'v1' });
    expect(status.dockerComposeProgram.version).toMatch(/^1\.\d+\.\d+$/);
    const v1 = status.problems.find((p) => p.kind === 'compose-v1-only');
    expect(v1?.summary).toMatch(/Compose v1.*\.env/);
    expect(v1?.hint).toMatch(/docker-compose-plugin/);
    expect(status.ready).toBe(false);
  });

  it('tells how to turn a standalone Compose v2 into the plugin', async () => {
    const bin = binWith({ 'docker-compose': 'echo "Docker Compose version v2.29.7"' }, { docker: DOCKER });
    const status = await detectCompose(hostWithPath(bin));
    expect(status.dockerComposeProgram.generation).toBe('v2');
    expect(status.problems.some((p) => p.hint.includes('~/.docker/cli-plugins/docker-compose'))).toBe(true);
  });

  it('reports ready when the plugin and the daemon answer', async () => {
    const bin = binWith({
      docker: [
        'case "$*" in',
        '  "--version") echo "Docker version 27.5.1, build 9f9e405";;',
        '  "compose version --short") echo "2.32.4";;',
        '  "info --format {{.ServerVersion}}") echo "27.5.1";;',
        '  *) exit 1;;',
        'esac',
      ].join('\n'),
    });
    const status = await detectCompose(hostWithPath(bin));
    expect(status).toMatchObject({
      docker: { present: true, version: '27.5.1' },
      composeV2: { present: true, version: '2.32.4' },
      daemon: 'reachable',
      serverVersion: '27.5.1',
      ready: true,
      problems: [],
    });
  });
});

describe('composeRunner', () => {
  it('prefixes docker compose with the project’s files and diagnoses a failure', async () => {
    const runner = composeRunner(hostWithPath(dockerOnly()), {
      composeFiles: ['docker-compose.yml', 'docker-compose.prod.yml'],
    });
    const run = await runner.compose(['exec', '-T', 'postgres', 'psql']);
    expect(run.argv).toEqual([
      'docker',
      'compose',
      '-f',
      'docker-compose.yml',
      '-f',
      'docker-compose.prod.yml',
      'exec',
      '-T',
      'postgres',
      'psql',
    ]);
    expect(run.result.code).not.toBe(0);
    expect(run.diagnosis?.kind).toBe('compose-plugin-missing');
  });

  it('gives no diagnosis for a command that succeeded, and no -f for the default file', async () => {
    const runner = composeRunner(hostWithPath(binWith({ docker: 'echo "$@"' })), {
      composeFiles: ['docker-compose.yml'],
    });
    const run = await runner.compose(['ps']);
    expect(run).toMatchObject({
      argv: ['docker', 'compose', 'ps'],
      result: { code: 0, stdout: 'compose ps\n' },
      diagnosis: null,
    });
  });
});
