import { watch, type FSWatcher } from 'node:fs';

/**
 * Watches the `.env` of deployments on this computer so the Secrets page re-checks drift when the file changes
 * (issue 17 item 4). The folder is watched, not the file: every writer (the app's, an editor's) replaces `.env`
 * by renaming a temporary file over it, and a watch on the old inode would fall silent after the first write.
 * Bursts (temp file, rename, chmod) are folded into one notice. The watchers do not keep the process alive.
 */

export interface EnvWatcher {
  /** Starts watching `<folder>/.env` for the deployment (again: no-op). False when the folder cannot be watched. */
  watch(deploymentId: string, folder: string): boolean;
  unwatch(deploymentId: string): void;
  /** Stops every watch. */
  close(): void;
}

export interface EnvWatcherOptions {
  /** Called once per burst of changes to the deployment's `.env`. */
  onChange: (deploymentId: string) => void;
  /** Quiet time that ends a burst; default 300 ms. */
  settleMs?: number;
}

export function createEnvWatcher(options: EnvWatcherOptions): EnvWatcher {
  const settle = options.settleMs ?? 300;
  const watchers = new Map<string, { w: FSWatcher; timer: NodeJS.Timeout | null }>();

  function unwatch(id: string): void {
    const entry = watchers.get(id);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.w.close();
    watchers.delete(id);
  }

  return {
    watch(id, folder) {
      if (watchers.has(id)) return true;
      let w: FSWatcher;
      try {
        w = watch(folder, { persistent: false });
      } catch {
        // A folder that is gone or unreadable: the page still re-checks when it opens and on "Check again".
        return false;
      }
      const entry = { w, timer: null as NodeJS.Timeout | null };
      // Typed wider than @types/node says: Node documents that the name may be missing on some platforms.
      w.on('change', (_type: string, file: string | Buffer | null) => {
        // Linux and macOS name the file; when they do not, any change in the folder counts.
        if (file !== null && String(file) !== '.env') return;
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          entry.timer = null;
          options.onChange(id);
        }, settle);
        entry.timer.unref();
      });
      w.on('error', () => {
        unwatch(id);
      });
      watchers.set(id, entry);
      return true;
    },
    unwatch,
    close() {
      for (const id of [...watchers.keys()]) unwatch(id);
    },
  };
}
