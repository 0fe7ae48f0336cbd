import { contextBridge, ipcRenderer } from 'electron';
import { buildRawApi } from '../common/ipc/api';
import type { Envelope } from '../common/ipc';

/**
 * The sandboxed preload: exposes `window.api`, one named function per registry channel. It never exposes
 * ipcRenderer itself or a generic invoke, so a compromised page can call only what the contract allows.
 */
const api = buildRawApi(
  (channel, request) => ipcRenderer.invoke(channel, request) as Promise<Envelope<unknown>>,
  (event, listener) => {
    const wrapped = (_e: unknown, payload: unknown) => {
      listener(payload);
    };
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('api', api);
