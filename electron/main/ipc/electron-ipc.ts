import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Router, SenderInfo } from './router';
import { listEvents } from '../../common/ipc';

/** Who sent an IPC call: its frame URL, and whether it is the top frame of the window (not an iframe). */
function senderOf(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return { url: frame?.url ?? '', isTopFrame: frame !== null && frame === event.sender.mainFrame };
}

/** Connects every registry channel to the router. Nothing else is ever handled. */
export function registerIpc(router: Router): void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => router.handle(channel, payload, senderOf(event)));
  }
}

/** Pushes an event declared in the registry to a window. */
export function pushEvent(target: WebContents, name: string, payload: unknown): void {
  const def = listEvents().find((e) => e.name === name)?.def;
  if (!def || target.isDestroyed()) return;
  target.send(def.event, def.payload.parse(payload));
}
