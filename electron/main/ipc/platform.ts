import type { Events } from '../../common/ipc';

/**
 * The few things only the host can do: OS dialogs, the clipboard, opening links, pushing events to the
 * window. Electron implements it in electron/main/electron-platform.ts; the test harness implements it in
 * test/harness/platform.ts with scripted dialog answers and an in-memory clipboard.
 * Paths chosen here never come from the renderer (ARCHITECTURE.md §3).
 */
export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface PlatformBridge {
  /** An OS folder picker; the absolute path chosen, or null when cancelled. */
  pickFolder(title: string): Promise<string | null>;
  /** An OS "save as" dialog. */
  pickSaveFile(title: string, defaultName: string, filters?: FileFilter[]): Promise<string | null>;
  /** An OS "open file" dialog. */
  pickOpenFile(title: string, filters?: FileFilter[]): Promise<string | null>;
  clipboard: {
    writeText(text: string): void;
    readText(): Promise<string>;
  };
  openExternal(url: string): void;
  /** Push an event declared in the registry's `events` to the window. */
  emit(event: keyof Events, payload: unknown): void;
}
