import type { PlatformBridge } from '../../electron/main/ipc/platform';

/**
 * The harness's PlatformBridge: dialogs answer from a queue the test fills (through
 * `harness.platform.queue…` or POST /__harness/control), the clipboard is in memory so tests can read it,
 * and events go to the page over Server-Sent Events.
 */
export interface HarnessPlatform extends PlatformBridge {
  queueFolder(path: string | null): void;
  queueSaveFile(path: string | null): void;
  queueOpenFile(path: string | null): void;
  clipboardText(): string;
  opened: string[];
  onEmit: ((event: string, payload: unknown) => void) | null;
}

export function harnessPlatform(): HarnessPlatform {
  const folders: Array<string | null> = [];
  const saves: Array<string | null> = [];
  const opens: Array<string | null> = [];
  let clip = '';
  const p: HarnessPlatform = {
    pickFolder: () => Promise.resolve(folders.length ? (folders.shift() ?? null) : null),
    pickSaveFile: () => Promise.resolve(saves.length ? (saves.shift() ?? null) : null),
    pickOpenFile: () => Promise.resolve(opens.length ? (opens.shift() ?? null) : null),
    clipboard: {
      writeText: (t) => {
        clip = t;
      },
      readText: () => Promise.resolve(clip),
    },
    openExternal: (url) => {
      p.opened.push(url);
    },
    emit: (event, payload) => {
      p.onEmit?.(event, payload);
    },
    queueFolder: (x) => folders.push(x),
    queueSaveFile: (x) => saves.push(x),
    queueOpenFile: (x) => opens.push(x),
    clipboardText: () => clip,
    opened: [],
    onEmit: null,
  };
  return p;
}
