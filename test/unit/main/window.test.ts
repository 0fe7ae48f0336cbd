import { describe, expect, it, vi } from 'vitest';
import {
  browserWindowOptions,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  secureWebPreferences,
} from '../../../electron/main/window-options';
import {
  denyAllPermissions,
  hardenWebContents,
  isSafeExternalUrl,
  type EventLike,
} from '../../../electron/main/hardening';

describe('window factory preferences', () => {
  it('isolates, sandboxes and disables Node in every context', () => {
    const p = secureWebPreferences({ preloadPath: '/x/preload.cjs', isDev: false });
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
    });
  });

  it('allows devtools only in development', () => {
    expect(secureWebPreferences({ preloadPath: 'p', isDev: true }).devTools).toBe(true);
    expect(browserWindowOptions({ preloadPath: 'p', isDev: false }).webPreferences.devTools).toBe(false);
  });

  it('has a CSP with no remote origins, no inline script and no eval', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('recognises only our app origin', () => {
    expect(isAppUrl('app://crucible/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://crucible/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', 'http://127.0.0.1:5173')).toBe(true);
  });
});

function stubContents() {
  const listeners = new Map<string, (e: EventLike, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  return {
    contents: {
      on: (name: string, fn: (e: EventLike, url?: string) => void) => {
        listeners.set(name, fn);
      },
      setWindowOpenHandler: (fn: (d: { url: string }) => { action: 'deny' | 'allow' }) => {
        openHandler = fn;
      },
    },
    fire(name: string, url?: string) {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)?.(event, url);
      return event;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('web contents hardening', () => {
  const setup = () => {
    const stub = stubContents();
    const openExternal = vi.fn();
    hardenWebContents(stub.contents as never, { isAppUrl: (u) => u.startsWith('app://crucible/'), openExternal });
    return { stub, openExternal };
  };

  it('lets the app navigate within its own origin', () => {
    const { stub } = setup();
    expect(stub.fire('will-navigate', 'app://crucible/index.html#/x').preventDefault).not.toHaveBeenCalled();
  });

  it('cancels navigation away and opens https links in the OS browser', () => {
    const { stub, openExternal } = setup();
    expect(stub.fire('will-navigate', 'https://docs.example.org/').preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://docs.example.org/');
  });

  it('never opens non-https links externally', () => {
    const { stub, openExternal } = setup();
    for (const url of [
      'http://example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@example.org/',
    ]) {
      expect(stub.fire('will-navigate', url).preventDefault).toHaveBeenCalled();
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('cancels redirects away from the app', () => {
    const { stub } = setup();
    expect(stub.fire('will-redirect', 'https://evil.example/').preventDefault).toHaveBeenCalled();
  });

  it('denies every new window', () => {
    const { stub, openExternal } = setup();
    expect(stub.open('app://crucible/index.html')).toEqual({ action: 'deny' });
    expect(stub.open('https://example.org/')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses to attach a webview', () => {
    const { stub } = setup();
    expect(stub.fire('will-attach-webview').preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, p: string) => boolean) | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
    });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      request?.(null, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check?.(null, p)).toBe(false);
    }
  });

  it('classifies external URLs', () => {
    expect(isSafeExternalUrl('https://github.com/')).toBe(true);
    expect(isSafeExternalUrl('http://github.com/')).toBe(false);
  });
});
