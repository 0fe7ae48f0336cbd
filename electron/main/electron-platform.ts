import { BrowserWindow, clipboard, dialog } from 'electron';
import type { PlatformBridge } from './ipc/platform';
import { pushEvent } from './ipc/electron-ipc';

/** The Electron implementation of PlatformBridge: real dialogs, the real clipboard, the focused window. */
export function electronPlatform(
  getWindow: () => BrowserWindow | null,
  openLink: (url: string) => Promise<boolean>,
): PlatformBridge {
  const parent = () => getWindow() ?? BrowserWindow.getFocusedWindow();
  return {
    async pickFolder(title) {
      const w = parent();
      const opts = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async pickSaveFile(title, defaultName, filters) {
      const w = parent();
      const opts = { title, defaultPath: defaultName, filters, properties: ['showOverwriteConfirmation' as const] };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || r.filePath === '' ? null : r.filePath;
    },
    async pickOpenFile(title, filters) {
      const w = parent();
      const opts = { title, filters, properties: ['openFile' as const] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    clipboard: {
      writeText: (text) => {
        void clipboard.writeText(text);
      },
      readText: async () => clipboard.readText(),
    },
    openExternal(url) {
      void openLink(url); // allow-list or a dialog naming the host (external-links.ts)
    },
    emit(event, payload) {
      const w = getWindow();
      if (w) pushEvent(w.webContents, event, payload);
    },
  };
}
