import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProxy } from '../../../electron/core/proxy/plan';
import { renderCaddy } from '../../../electron/core/proxy/caddy';
import { freePort, listen, makeCert, stopProxy, waitForPort } from './tools';

// A real Caddy (Debian's package) with the generated Caddyfile on loopback high ports, in front of two small
// Node upstreams standing in for Crucible's api and frontend. Proves the front door answers the debug
// endpoint and the API schema itself, and still passes the api's other routes. The admin endpoint is
// turned off for the test so parallel runs do not fight over port 2019.

const DOMAIN = 'crucible.test';
let dir: string;
let ca: Buffer;
let caddy: ChildProcess | undefined;
let caddyLog = '';
let api: Server;
let frontend: Server;
let httpsPort = 0;
const apiSeen: string[] = [];

function get(path: string): Promise<{ status: number; body: string; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: httpsPort,
        method: 'GET',
        path,
        servername: DOMAIN,
        ca,
        agent: false,
        headers: { host: `${DOMAIN}:${String(httpsPort)}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = res.headers['strict-transport-security'];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            hsts: typeof h === 'string' ? h : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-caddy-live-'));
  const { cert, key } = makeCert(dir, DOMAIN);
  ca = readFileSync(cert);
  api = createServer((req, res) => {
    apiSeen.push(req.url ?? '');
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: 'api', url: req.url }));
  });
  frontend = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>frontend</title>');
  });
  const apiPort = await listen(api);
  const fePort = await listen(frontend);
  const httpPort = await freePort();
  httpsPort = await freePort();
  const plan = await planProxy(
    {
      server: 'caddy',
      publicUrl: `https://${DOMAIN}:${String(httpsPort)}`,
      environment: 'production',
      tls: { mode: 'files', certPath: cert, keyPath: key },
      apiUpstream: `127.0.0.1:${String(apiPort)}`,
      frontendUpstream: `127.0.0.1:${String(fePort)}`,
      listen: { address: '127.0.0.1', httpPort, httpsPort },
    },
    new Date(),
  );
  const text = renderCaddy(plan);
  // Test-only global options: no admin endpoint, bind to loopback. Everything else is the generated file.
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, text.replace(/^\{\n/m, '{\n\tadmin off\n\tdefault_bind 127.0.0.1\n'));
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  caddy = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  caddy.stdout?.on('data', (c: Buffer) => (caddyLog += c.toString('utf8')));
  caddy.stderr?.on('data', (c: Buffer) => (caddyLog += c.toString('utf8')));
  await waitForPort(httpsPort, 200, 'caddy', () => caddyLog.slice(-2000));
}, 30_000);

afterAll(async () => {
  await stopProxy(caddy, [api, frontend]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a real Caddy with the generated Caddyfile', () => {
  it('answers 404 itself for the debug endpoint and the API schema, also percent-encoded or in upper case', async () => {
    const before = apiSeen.length;
    const paths = [
      '/api/debug/settings/check',
      '/api//debug/settings/check',
      '/api/./debug/settings/check',
      '/api/%64ebug/settings/check',
      '/api/debug%2Fsettings/check',
      '/API/DEBUG/settings/check',
      '/api/debug',
      '/openapi.json',
      '/docs',
      '/docs/oauth2-redirect',
      '/redoc',
    ];
    for (const p of paths) {
      const r = await get(p);
      expect([p, r.status]).toEqual([p, 404]);
      expect(r.hsts).toBe('max-age=31536000');
    }
    expect(apiSeen.slice(before)).toEqual([]);
  });

  it('still passes the api routes next to them', async () => {
    for (const p of ['/api/health', '/api/debugger', '/api/sessions/debug']) {
      const r = await get(p);
      expect([p, r.status, (JSON.parse(r.body) as { url: string }).url]).toEqual([p, 200, p]);
    }
    expect((await get('/')).body).toContain('frontend');
  });
});
