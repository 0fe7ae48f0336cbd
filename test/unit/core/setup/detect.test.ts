import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectFolder, gitignoreCoversEnv } from '../../../../electron/core/setup/detect';
import { makeFolder } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = (o?: Parameters<typeof makeFolder>[0]) => {
  const d = makeFolder(o);
  dirs.push(d);
  return d;
};
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { stdio: 'ignore' });

describe('folder detection', () => {
  it('finds the compose files by role, and a fresh folder has no .env, no .gitignore, no git', async () => {
    const f = await detectFolder(folder());
    expect(f.composeFiles.map((c) => [c.name, c.role])).toEqual([
      ['docker-compose.yml', 'default'],
      ['docker-compose.prod.yml', 'production'],
    ]);
    expect(f.env.exists).toBe(false);
    expect(f.gitignore).toMatchObject({ exists: false, coversEnv: false });
    expect(f.git).toMatchObject({ isRepo: false, envTracked: false, gitAvailable: true });
  });

  it('finds override files and an existing .env with its mode', async () => {
    const d = folder({ env: 'setup/existing-weak/dotenv', gitignore: true });
    writeFileSync(join(d, 'docker-compose.override.yml'), 'services: {}\n');
    chmodSync(join(d, '.env'), 0o644);
    const f = await detectFolder(d);
    expect(f.composeFiles.map((c) => c.role)).toEqual(['default', 'override', 'production']);
    expect(f.env).toMatchObject({ exists: true, mode: 0o644 });
    expect(f.gitignore.coversEnv).toBe(true);
  });

  it('asks git whether .env is tracked and ignored in a repository', async () => {
    const d = folder({ env: 'setup/existing-weak/dotenv' });
    git(d, 'init', '-q');
    git(d, 'add', '.env', 'docker-compose.yml');
    git(d, 'commit', '-qm', 'oops');
    let f = await detectFolder(d);
    expect(f.git).toMatchObject({ isRepo: true, envTracked: true });
    expect(f.gitignore.coversEnv).toBe(false);
    writeFileSync(join(d, '.gitignore'), '*.env\n');
    f = await detectFolder(d);
    expect(f.gitignore.coversEnv).toBe(true);
  });

  it('refuses a folder without compose files, and a .env that is a symbolic link', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cs-empty-'));
    dirs.push(empty);
    await expect(detectFolder(empty)).rejects.toMatchObject({ code: 'SETUP_NO_COMPOSE' });
    const d = folder();
    symlinkSync('/etc/hostname', join(d, '.env'));
    await expect(detectFolder(d)).rejects.toMatchObject({ code: 'SETUP_SYMLINK_REFUSED' });
  });

  it.each([
    ['.env\n', true],
    ['/.env\n', true],
    ['.env*\n', true],
    ['*.env\n', true],
    ['**/.env\n', true],
    ['.env\n!.env\n', false],
    ['.env.local\n', false],
    ['# .env\n', false],
    ['.env/\n', false],
  ])('gitignoreCoversEnv(%j) is %s', (text, expected) => {
    expect(gitignoreCoversEnv(text)).toBe(expected);
  });
});
