/**
 * The one place window security preferences are decided (Signal Desktop's single hardened factory).
 * Pure data, so a unit test can assert every flag without an Electron binary.
 */
export interface SecureWindowOptions {
  preloadPath: string;
  isDev: boolean;
}

export const APP_SCHEME = 'app';
export const APP_HOST = 'crucible';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function secureWebPreferences({ preloadPath, isDev }: SecureWindowOptions) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // No middle-click (auxclick) navigation: new windows are denied anyway; this removes the event itself.
    disableBlinkFeatures: 'Auxclick',
    devTools: isDev,
    navigateOnDragDrop: false,
    safeDialogs: true,
    experimentalFeatures: false,
    enableWebSQL: false,
    v8CacheOptions: 'none' as const,
  };
}

export function browserWindowOptions(opts: SecureWindowOptions) {
  return {
    width: 1200,
    height: 800,
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'Crucible Secrets',
    backgroundColor: '#111418',
    autoHideMenuBar: false,
    webPreferences: secureWebPreferences(opts),
  };
}

/**
 * Content-Security-Policy for every page the app serves: nothing remote, no inline script, no eval.
 * Styles come from our own bundle; React sets element styles through the CSSOM, which CSP allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** True for URLs of our own app origin. */
export function isAppUrl(url: string, devOrigin?: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
    return devOrigin !== undefined && u.origin === devOrigin;
  } catch {
    return false;
  }
}
