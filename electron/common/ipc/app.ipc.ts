import { z } from 'zod';
import { channel, NoRequest } from './contract';

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

export const appChannels = {
  info: channel('app', 'info', NoRequest, AppInfo),
};
