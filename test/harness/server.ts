import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices, type CoreDeps, type CoreServices } from '../../electron/core/services';
import { createLogger, memorySink, type LogSink } from '../../electron/core/log/logger';
import { readStatic } from '../../electron/main/static-files';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { APP_NAME, APP_VERSION } from '../../electron/core/app-meta';
import { listEvents } from '../../electron/common/ipc';
import { harnessPlatform, type HarnessPlatform } from './platform';

/**
 * The test harness (ARCHITECTURE.md §1): serves the built renderer and the real IPC router over loopback
 * HTTP so Playwright can drive the whole app in Debian's Chromium without an Electron binary.
 * - binds 127.0.0.1 on a random port;
 * - every IPC call must carry the per-run token and come from the harness's own origin;
 * - the browser gets `window.api` from dist/harness/bridge.js, built from the same registry as the preload.
 */
export interface HarnessOptions {
  home: string;
  rendererDir?: string;
  bridgeFile?: string;
  env?: NodeJS.ProcessEnv;
  logSink?: LogSink;
  core?: Partial<CoreDeps>;
}

export interface Harness {
  url: string;
  token: string;
  router: Router;
  core: CoreServices;
  /** Scripted dialogs, the in-memory clipboard, opened links. */
  platform: HarnessPlatform;
  logLines: string[];
  close(): Promise<void>;
}

/** The repository root; callers that are bundled elsewhere (bench/) pass rendererDir and bridgeFile instead. */
const root = () => fileURLToPath(new URL('../..', import.meta.url));

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether a request for the bridge script comes from the harness's own page: Sec-Fetch-Site same-origin
 * (a script include from another site says cross-site or same-site), a script destination, and no Origin
 * or Referer naming another origin.
 */
export function bridgeRequestAllowed(headers: IncomingHttpHeaders, origin: string): boolean {
  if (headers['sec-fetch-site'] !== 'same-origin') return false;
  const dest = headers['sec-fetch-dest'];
  if (dest !== undefined && dest !== 'script') return false;
  if (headers.origin !== undefined && headers.origin !== origin) return false;
  const referer = headers.referer;
  if (referer !== undefined) {
    try {
      if (new URL(referer).origin !== origin) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const rendererDir = options.rendererDir ?? join(root(), 'dist', 'renderer');
  const bridgeFile = options.bridgeFile ?? join(root(), 'dist', 'harness', 'bridge.js');
  const token = randomBytes(24).toString('base64url');
  const sink = memorySink();
  const logger = createLogger({
    sink: (line) => {
      sink(line);
      options.logSink?.(line);
    },
  });
  const core = createCoreServices({ home: options.home, logger, env: options.env ?? process.env, ...options.core });
  let origin = '';
  const platform = harnessPlatform();
  const streams = new Set<ServerResponse>();
  platform.onEmit = (name, payload) => {
    const def = listEvents().find((e) => e.name === name)?.def;
    if (!def) return;
    const data = JSON.stringify({ event: def.event, payload: def.payload.parse(payload) });
    for (const s of streams) s.write(`data: ${data}\n\n`);
  };
  const router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: APP_NAME, version: APP_VERSION, versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    },
    logger,
  });
  const bridge = await readFile(bridgeFile, 'utf8');

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      // DNS-rebinding guard: only our own host name is served.
      if (req.headers.host !== new URL(origin).host) return send(res, 421, 'wrong host');
      if (url.pathname.startsWith('/__ipc/')) {
        if (req.method !== 'POST') return send(res, 405, 'POST only');
        if (req.headers.origin !== origin) return send(res, 403, 'foreign origin');
        const auth = req.headers['x-harness-token'];
        if (!sameToken(typeof auth === 'string' ? auth : undefined, token)) return send(res, 403, 'bad token');
        let payload: unknown;
        try {
          payload = JSON.parse(await readBody(req));
        } catch {
          return send(res, 400, 'bad json');
        }
        const channel = decodeURIComponent(url.pathname.slice('/__ipc/'.length));
        const frame = req.headers['x-harness-frame'];
        const envelope = await router.handle(channel, payload, {
          url: typeof req.headers.referer === 'string' ? req.headers.referer : '',
          isTopFrame: frame === 'top',
        });
        return send(res, 200, JSON.stringify(envelope), 'application/json');
      }
      if (url.pathname === '/__harness/events') {
        // Main → renderer pushes, as Server-Sent Events (EventSource cannot send headers: token in the query).
        if (!sameToken(url.searchParams.get('token') ?? undefined, token)) return send(res, 403, 'bad token');
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (url.pathname === '/__harness/control') {
        // Test-only: script the next dialog answers (what the admin "picks").
        if (
          req.method !== 'POST' ||
          req.headers.origin !== origin ||
          !sameToken(
            typeof req.headers['x-harness-token'] === 'string' ? req.headers['x-harness-token'] : undefined,
            token,
          )
        )
          return send(res, 403, 'refused');
        const body = JSON.parse(await readBody(req)) as {
          folder?: string | null;
          saveFile?: string | null;
          openFile?: string | null;
        };
        if ('folder' in body) platform.queueFolder(body.folder ?? null);
        if ('saveFile' in body) platform.queueSaveFile(body.saveFile ?? null);
        if ('openFile' in body) platform.queueOpenFile(body.openFile ?? null);
        return send(res, 200, '{}', 'application/json');
      }
      if (url.pathname === '/__harness/bridge.js') {
        // The bridge carries the token: only for our own page's <script> (a cross-site page including it
        // would read the token from window.__HARNESS_TOKEN__). Browsers send Sec-Fetch-Site on every
        // request to 127.0.0.1; a request without it is not a browser loading our page and is refused too.
        if (!bridgeRequestAllowed(req.headers, origin)) return send(res, 403, 'refused');
        return send(
          res,
          200,
          `window.__HARNESS_TOKEN__=${JSON.stringify(token)};\n${bridge}`,
          'text/javascript; charset=utf-8',
        );
      }
      const file = await readStatic(rendererDir, url.pathname);
      if (!file) return send(res, 404, 'not found');
      let body = file.body;
      if (file.type.startsWith('text/html')) {
        // The bridge is a classic script, so it runs before the module entry and window.api exists in time.
        body = Buffer.from(
          file.body.toString('utf8').replace('<head>', '<head>\n    <script src="/__harness/bridge.js"></script>'),
        );
      }
      return send(res, 200, body, file.type);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'harness error');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin + '/',
    token,
    router,
    core,
    platform,
    logLines: sink.lines,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
