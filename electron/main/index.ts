import { app, BrowserWindow, crashReporter, dialog, Menu, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { createCoreServices } from '../core/services';
import { createLogger, fileSink } from '../core/log/logger';
import { ensureAppHome, resolveAppHome } from '../core/paths/app-home';
import { APP_NAME, APP_VERSION } from '../core/app-meta';
import { createRouter } from './ipc/router';
import { createHandlers } from './ipc/handlers';
import { registerIpc } from './ipc/electron-ipc';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_SCHEME,
  browserWindowOptions,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
} from './window-options';
import { denyAllPermissions, hardenWebContents } from './hardening';
import { createLinkOpener } from './external-links';
import { CRASH_REPORTER_OPTIONS, crashDumpsPath } from './startup-options';
import { readStatic } from './static-files';
import { buildMenu } from './menu';
import { electronPlatform } from './electron-platform';

/**
 * The composition root (ARCHITECTURE.md §4): builds every service with its dependencies, registers the IPC
 * handlers, and creates the one window. Nothing else in main holds state.
 */
const isDev = process.env.CRUCIBLE_DEV === '1' && !app.isPackaged;
const devOrigin = isDev ? process.env.CRUCIBLE_DEV_URL : undefined;

// Every renderer sandboxed, whatever a window's options say; must run before 'ready'.
app.enableSandbox();

const home = resolveAppHome();
// The app home is created or tightened to 0700 before anything (crash dumps included) is written there. One
// that cannot be made private (another account's) stops the start, saying how to fix it.
try {
  ensureAppHome(home);
} catch (e) {
  dialog.showErrorBox('Crucible Secrets cannot start', e instanceof Error ? e.message : String(e));
  app.exit(1);
}
app.setPath('userData', home);
app.setPath('sessionData', join(home, 'session'));
// No crash reports leave the machine, and dumps (they could hold secrets) stay inside the 0700 app home:
// the path is set before the reporter starts, which otherwise picks a folder outside it.
app.setPath('crashDumps', crashDumpsPath(home));
crashReporter.start(CRASH_REPORTER_OPTIONS);

/** The one way a link reaches the OS browser: allow-listed hosts directly, any other host after a dialog naming it. */
const openLink = createLinkOpener({
  openExternal: (url) => shell.openExternal(url),
  confirm: async (options) => {
    const parent = BrowserWindow.getFocusedWindow();
    const r = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    return r.response === 1;
  },
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  app.on('web-contents-created', (_e, contents) => {
    hardenWebContents(contents, {
      isAppUrl: (url) => isAppUrl(url, devOrigin),
      openExternal: (url) => {
        void openLink(url);
      },
    });
  });
  app.whenReady().then(start, (e: unknown) => {
    console.error('Crucible Secrets failed to start:', e instanceof Error ? e.message : e);
    app.exit(1);
  });
}

let mainWindow: BrowserWindow | null = null;

function start(): void {
  const logger = createLogger({ sink: fileSink(join(home, 'logs', 'app.log')) });
  const core = createCoreServices({ home, logger });
  // A secret copied less than 30 s ago must not outlive the app on the clipboard.
  let clipboardSettled = false;
  app.on('before-quit', (event) => {
    if (clipboardSettled) return;
    // Also end the SSH connections to servers (their control sockets live in the app home).
    event.preventDefault();
    void Promise.allSettled([
      core.clipboardGuard.pending() ? core.clipboardGuard.clearNow() : Promise.resolve(),
      core.rotation.close(),
    ]).finally(() => {
      clipboardSettled = true;
      app.quit();
    });
  });
  const router = createRouter({
    handlers: createHandlers({
      core,
      platform: electronPlatform(() => mainWindow, openLink),
      hostInfo: {
        host: 'electron',
        name: APP_NAME,
        version: APP_VERSION,
        versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
      },
    }),
    isTrustedUrl: (url) => isAppUrl(url, devOrigin),
    logger,
  });
  registerIpc(router);

  const rendererRoot = join(__dirname, '..', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const file = await readStatic(rendererRoot, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'content-type': file.type,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });

  denyAllPermissions(session.defaultSession, (permission) => {
    logger.warn('permission.denied', { permission });
  });
  Menu.setApplicationMenu(buildMenu({ isDev }));
  createWindow();
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const win = new BrowserWindow(
    browserWindowOptions({ preloadPath: join(__dirname, '..', 'preload', 'preload.cjs'), isDev }),
  );
  mainWindow = win;
  win.once('ready-to-show', () => {
    win.show();
  });
  win.on('closed', () => {
    mainWindow = null;
  });
  void win.loadURL(devOrigin ?? APP_ENTRY_URL);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
