import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../electron/main/static-files';

describe('static file resolution', () => {
  const root = '/app/dist/renderer';
  it('serves index.html for the root', () => {
    expect(resolveStaticPath(root, '/')).toBe('/app/dist/renderer/index.html');
  });
  it('refuses paths that escape the root', () => {
    for (const p of ['/../main/main.cjs', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../x', '/%00', '/%E0%A4%A']) {
      const r = resolveStaticPath(root, p);
      expect(r === null || r.startsWith(root + '/'), p).toBe(true);
      if (r) expect(r).not.toContain('..');
    }
    expect(resolveStaticPath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
  });
});
