import { buildRawApi } from '../../electron/common/ipc/api';
import type { Envelope } from '../../electron/common/ipc';

/**
 * The harness's stand-in for the preload: the same `window.api`, built from the same registry, but
 * carried over HTTP to test/harness/server.ts instead of Electron IPC.
 */
declare global {
  interface Window {
    __HARNESS_TOKEN__?: string;
  }
}

const token = window.__HARNESS_TOKEN__ ?? '';
const frame = window.top === window ? 'top' : 'sub';

let source: EventSource | undefined;
function getSource(): EventSource {
  source ??= new EventSource(`/__harness/events?token=${encodeURIComponent(token)}`);
  return source;
}

const api = buildRawApi(
  async (channel, request) => {
    const res = await fetch(`/__ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harness-token': token, 'x-harness-frame': frame },
      body: JSON.stringify(request),
    });
    if (!res.ok)
      return {
        ok: false,
        error: { code: 'IPC_FORBIDDEN_SENDER', message: `The harness refused the call (${res.status}).` },
      };
    return (await res.json()) as Envelope<unknown>;
  },
  (event, listener) => {
    const source = getSource();
    const onMessage = (m: MessageEvent<string>) => {
      const data = JSON.parse(m.data) as { event: string; payload: unknown };
      if (data.event === event) listener(data.payload);
    };
    source.addEventListener('message', onMessage);
    return () => {
      source.removeEventListener('message', onMessage);
    };
  },
);

Object.defineProperty(window, 'api', { value: api, writable: false, configurable: false });
