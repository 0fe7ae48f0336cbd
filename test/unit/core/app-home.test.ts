import { describe, expect, it } from 'vitest';
import { resolveAppHome } from '../../../electron/core/paths/app-home';

describe('app home', () => {
  it('uses CRUCIBLE_SECRETS_HOME when set', () => {
    expect(resolveAppHome({ CRUCIBLE_SECRETS_HOME: '/tmp/cs-x' }, 'linux', '/home/a')).toBe('/tmp/cs-x');
  });
  it('follows each OS convention otherwise', () => {
    expect(resolveAppHome({}, 'linux', '/home/a')).toBe('/home/a/.config/crucible-secrets');
    expect(resolveAppHome({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a')).toBe('/x/crucible-secrets');
    expect(resolveAppHome({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Crucible Secrets');
    expect(resolveAppHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toContain(
      'Crucible Secrets',
    );
  });
});
