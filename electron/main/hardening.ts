/**
 * Navigation, window-opening, webview and permission policy for every web contents. Written against the
 * small structural slice of Electron's API it uses, so unit tests can drive it with stubs.
 */
export interface EventLike {
  preventDefault(): void;
}

/** What `will-frame-navigate` passes (Electron's Event<WebContentsWillFrameNavigateEventParams>). */
export interface FrameNavigateEventLike extends EventLike {
  url: string;
  isMainFrame: boolean;
}

export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: EventLike, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: FrameNavigateEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: EventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
}

export interface HardeningDeps {
  isAppUrl: (url: string) => boolean;
  openExternal: (url: string) => void;
  onRefused?: (what: string, detail: string) => void;
}

/**
 * Links leave the app only to the OS browser, and only over https; openExternal (external-links.ts
 * createLinkOpener) then opens allow-listed hosts and asks for the rest, naming the host.
 */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContentsLike, deps: HardeningDeps): void {
  const refuse = deps.onRefused ?? (() => undefined);
  const guardNavigation = (event: EventLike, url: string) => {
    if (deps.isAppUrl(url)) return;
    event.preventDefault();
    refuse('navigation', url.slice(0, 100));
    if (isSafeExternalUrl(url)) deps.openExternal(url);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  // will-navigate sees only the main frame: a subframe (an injected iframe) navigating anywhere is refused
  // too, and never handed to the browser. The main frame's own app navigations pass (will-navigate also runs).
  contents.on('will-frame-navigate', (details: FrameNavigateEventLike) => {
    if (details.isMainFrame && deps.isAppUrl(details.url)) return;
    details.preventDefault();
    if (!details.isMainFrame) refuse('frame-navigation', details.url.slice(0, 100));
  });
  contents.on('will-attach-webview', (event: EventLike) => {
    event.preventDefault();
    refuse('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    refuse('new-window', url.slice(0, 100));
    if (isSafeExternalUrl(url)) deps.openExternal(url);
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications, geolocation, clipboard-read…: the app needs none, so all are denied. */
export function denyAllPermissions(session: SessionLike, onRefused?: (permission: string) => void): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    onRefused?.(permission);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
