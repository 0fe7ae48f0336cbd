import { z } from 'zod';
import { channel, NoRequest, req } from './contract';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  arch: z.string(),
  /** 'electron' inside the desktop app, 'harness' when the test harness serves the renderer. */
  host: z.enum(['electron', 'harness']),
  versions: z.object({ electron: z.string().optional(), chrome: z.string().optional(), node: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * A command the window shows (`docker compose up -d`, `ufw allow 443`), copied by main: the renderer has no
 * clipboard permission. Main refuses text holding a secret value or shape, so this never carries a secret.
 */
export const CopyCommandRequest = req({ text: z.string().min(1).max(8192) });

export const appChannels = {
  info: channel('app', 'info', NoRequest, AppInfo),
  copyCommand: channel('app', 'copyCommand', CopyCommandRequest, z.object({ copied: z.boolean() })),
};
