import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FuseV1Options } from '@electron/fuses';

const require = createRequire(import.meta.url);
const builder = require('../../../electron-builder.config.cjs') as Record<string, unknown> & {
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  directories: { buildResources: string };
};
const { fuseConfig } = require('../../../scripts/flip-fuses.cjs') as { fuseConfig: Record<number, boolean> };

describe('packaging', () => {
  it('builds AppImage+deb, dmg and nsis from build/ into an asar archive', () => {
    expect(builder.linux.target).toEqual(['AppImage', 'deb']);
    expect(builder.mac.target).toEqual(['dmg']);
    expect(builder.win.target).toEqual(['nsis']);
    expect(builder.directories.buildResources).toBe('build');
    expect(builder.asar).toBe(true);
    expect(typeof builder.afterPack).toBe('string');
  });

  it('flips the fuses a secrets app needs', () => {
    expect(fuseConfig[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuseConfig[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuseConfig[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuseConfig[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuseConfig[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
  });
});

describe('packaging: what the installers and the CLI package may contain (issue 21)', () => {
  const config = builder as unknown as Record<string, unknown> & { files: string[] };

  it('packs the N-API modules as installed: no rebuild for Electron, no headers downloaded', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('keeps one content rule for every platform, source maps excluded last', () => {
    for (const platform of ['linux', 'mac', 'win', 'nsis', 'dmg', 'deb', 'appImage']) {
      const section = (config[platform] ?? {}) as Record<string, unknown>;
      for (const key of ['files', 'asarUnpack', 'asar', 'extraResources', 'extraFiles'])
        expect(section[key], `${platform}.${key}`).toBeUndefined();
    }
    expect(config.files.at(-1)).toBe('!**/*.map');
    expect(config.files).toContain('!node_modules/**');
    expect(config.asarUnpack).toEqual(['**/*.node']);
  });

  it('describes the CLI package with the app version, its runtime dependencies only and keytar optional', () => {
    type Manifest = {
      name: string;
      version: string;
      engines: unknown;
      bin: Record<string, string>;
      files: string[];
      dependencies: Record<string, string>;
      optionalDependencies: Record<string, string>;
      devDependencies?: unknown;
      scripts?: unknown;
    };
    const app = require('../../../package.json') as Manifest;
    const cli = require('../../../packages/cli/package.json') as Manifest;
    expect(cli.name).toBe('crucible-secrets');
    expect(cli.version).toBe(app.version);
    expect(cli.engines).toEqual(app.engines);
    expect(cli.bin).toEqual({ 'crucible-secrets': 'bin/crucible-secrets.cjs' });
    expect(cli.devDependencies).toBeUndefined();
    expect(cli.scripts).toBeUndefined();
    expect(Object.keys(cli.optionalDependencies)).toEqual(['keytar']);
    expect(Object.keys(cli.dependencies).sort()).toEqual([
      '@zxcvbn-ts/core',
      '@zxcvbn-ts/language-common',
      '@zxcvbn-ts/language-en',
      'argon2',
      'bcrypt',
    ]);
    // The same versions the app is built and tested with.
    for (const [name, version] of Object.entries({ ...cli.dependencies, ...cli.optionalDependencies }))
      expect(version, name).toBe(app.dependencies[name]);
  });
});
