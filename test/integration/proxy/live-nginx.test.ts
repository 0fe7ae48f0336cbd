import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProxy } from '../../../electron/core/proxy/plan';
import { renderNginx } from '../../../electron/core/proxy/nginx';
import { freePort, listen, makeCert, nginxMainConf, stopProxy, waitForPort } from './tools';

// A real nginx on 127.0.0.1 (unprivileged high ports, throwaway self-signed certificate) in front of two
// small Node upstreams that behave like Crucible's api and frontend, including the api's own HSTS header
// with `preload`, which the proxy must replace. Loopback only; every loop is bounded.

const DOMAIN = 'crucible.test';
const BURST = 3;
let dir: string;
let ca: Buffer;
let nginx: ChildProcess | undefined;
let api: Server;
let frontend: Server;
let httpPort = 0;
let httpsPort = 0;
const apiSeen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  raw: string[];
  body: string;
}

function https(method: string, path: string, body?: string | Buffer): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: httpsPort,
        method,
        path,
        servername: DOMAIN,
        ca,
        agent: false,
        headers: {
          host: `${DOMAIN}:${String(httpsPort)}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw: res.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function http(path: string): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: httpPort, path, agent: false, headers: { host: DOMAIN } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders, body: '' }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function count(raw: string[], name: string): number {
  return raw.filter((v, i) => i % 2 === 0 && v.toLowerCase() === name.toLowerCase()).length;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-live-'));
  const { cert, key } = makeCert(dir, DOMAIN);
  ca = readFileSync(cert);
  api = createServer((req, res) => {
    apiSeen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      // Crucible's SecurityHeadersMiddleware sends these itself (crucible-facts §9.6).
      res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains; preload');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('X-Powered-By', 'Roundtable');
      const login = req.url === '/api/auth/login' && req.method === 'POST';
      res.writeHead(login ? 401 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(login ? { detail: 'Invalid password' } : { service: 'api', url: req.url }));
    });
  });
  frontend = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>frontend</title>');
  });
  const apiPort = await listen(api);
  const fePort = await listen(frontend);
  httpPort = await freePort();
  httpsPort = await freePort();
  const plan = await planProxy(
    {
      server: 'nginx',
      publicUrl: `https://${DOMAIN}:${String(httpsPort)}`,
      environment: 'production',
      tls: { mode: 'files', certPath: cert, keyPath: key },
      tuning: { loginPerMinute: 5, loginBurst: BURST, maxBodyMb: 1 },
      apiUpstream: `127.0.0.1:${String(apiPort)}`,
      frontendUpstream: `127.0.0.1:${String(fePort)}`,
      listen: { address: '127.0.0.1', httpPort, httpsPort },
    },
    new Date(),
  );
  const prefix = join(dir, 'nginx');
  const site = join(dir, 'site.conf');
  writeFileSync(site, renderNginx(plan));
  mkdirSync(prefix, { recursive: true });
  const main = join(prefix, 'nginx-main.conf');
  writeFileSync(main, nginxMainConf(prefix, [site]));
  nginx = spawn('nginx', ['-e', join(prefix, 'error.log'), '-c', main, '-p', prefix], { stdio: 'ignore' });
  const nginxLog = (): string => readFileSync(join(dir, 'nginx', 'error.log'), 'utf8');
  await waitForPort(httpsPort, 100, 'nginx', nginxLog);
  await waitForPort(httpPort, 100, 'nginx', nginxLog);
});

afterAll(async () => {
  await stopProxy(nginx, [api, frontend]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a real nginx with the generated configuration', () => {
  it('redirects plain HTTP to HTTPS on the fixed public host, keeping the path and query', async () => {
    const r = await http('/debates/42?tab=summary');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`https://${DOMAIN}:${String(httpsPort)}/debates/42?tab=summary`);
  });

  it('ignores a forged Host header in the redirect', async () => {
    const r = await new Promise<Res>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: httpPort, path: '/', agent: false, headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders, body: '' }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(String(r.headers.location)).toMatch(new RegExp(`^https://${DOMAIN.replace('.', '\\.')}:`));
  });

  it('serves the frontend over HTTPS with HSTS and the security headers', async () => {
    const r = await https('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('frontend');
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(r.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it('routes /api to the api and replaces its own HSTS (with preload) by exactly one header without it', async () => {
    const r = await https('GET', '/api/health');
    expect(JSON.parse(r.body)).toEqual({ service: 'api', url: '/api/health' });
    expect(count(r.raw, 'strict-transport-security')).toBe(1);
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(count(r.raw, 'x-frame-options')).toBe(1);
    expect(r.headers['x-powered-by']).toBeUndefined();
    const seen = apiSeen.find((s) => s.url === '/api/health');
    expect(seen?.headers['x-forwarded-proto']).toBe('https');
    expect(seen?.headers['x-real-ip']).toBe('127.0.0.1');
  });

  it('answers 404 itself for the debug endpoint and the API schema, in every spelling nginx normalises', async () => {
    const before = apiSeen.length;
    const paths = [
      '/api/debug/settings/check',
      '/api//debug/settings/check',
      '/api/%64ebug/settings/check',
      '/api/debug%2Fsettings/check',
      '/api/./debug/settings/check',
      '/api/x/../debug/settings/check',
      '/api/debug',
      '/openapi.json',
      '/docs',
      '/docs/oauth2-redirect',
      '/redoc',
    ];
    for (const p of paths) {
      const r = await https('GET', p);
      expect([p, r.status]).toEqual([p, 404]);
      // The server-level security headers still apply to the proxy's own answer.
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    }
    expect(apiSeen.length - before).toBe(0);
  });

  it('still passes the api routes next to them (health, debates, a path merely starting with "debug")', async () => {
    for (const p of ['/api/health', '/api/debugger', '/api/sessions/debug']) {
      const r = await https('GET', p);
      expect([p, r.status, (JSON.parse(r.body) as { url: string }).url]).toEqual([p, 200, p]);
    }
    expect((await https('GET', '/docsearch')).body).toContain('frontend');
  });

  it('sends paths that only start with "api" to the frontend', async () => {
    const r = await https('GET', '/apiary');
    expect(r.body).toContain('frontend');
  });

  it('answers 429 to rapid login attempts once the limit is passed, before they reach the api', async () => {
    const before = apiSeen.filter((s) => s.url === '/api/auth/login').length;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await https('POST', '/api/auth/login', JSON.stringify({ username: 'admin', password: `guess-${String(i)}` })))
          .status,
      );
    const passed = statuses.filter((s) => s !== 429).length;
    // burst + 1 get through at once (one more only if the 12-second token arrived during the loop).
    expect(passed).toBeGreaterThanOrEqual(BURST + 1);
    expect(passed).toBeLessThanOrEqual(BURST + 2);
    expect(statuses.slice(0, BURST + 1).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
    expect(apiSeen.filter((s) => s.url === '/api/auth/login').length - before).toBe(passed);
  });

  it('does not throttle other methods on the login path', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await https('GET', '/api/auth/login')).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('refuses request bodies above the size limit with 413', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x61);
    const r = await https('POST', '/api/intake/upload', big);
    expect(r.status).toBe(413);
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});
