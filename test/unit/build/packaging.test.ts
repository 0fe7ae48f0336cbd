import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FuseV1Options } from '@electron/fuses';

const require = createRequire(import.meta.url);
const builder = require('../../../electron-builder.config.cjs') as Record<string, unknown> & { linux: { target: string[] }; mac: { target: string[] }; win: { target: string[] }; directories: { buildResources: string } };
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
