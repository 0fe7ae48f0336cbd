import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, createServer as netServer } from 'node:net';
import { join } from 'node:path';

/** Helpers for the proxy integration tests: throwaway certificates and the real nginx/caddy checkers. */

/** A loopback TCP port that was free a moment ago (for a server the test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Start `server` on a random loopback port and resolve with that port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

/** Wait (at most `tries` × 50 ms) until `name` accepts on the loopback `port`; else throw with its `log()`. */
export async function waitForPort(port: number, tries: number, name: string, log: () => string): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not listen on ${String(port)}: ${log()}`);
}

/** Stop the proxy `child` (SIGTERM, then wait for it to exit) and close the upstream `servers`. */
export async function stopProxy(child: ChildProcess | undefined, servers: Server[]): Promise<void> {
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  for (const s of servers) await new Promise((r) => s.close(r));
}

export interface ToolResult {
  status: number | null;
  output: string;
}

/** A self-signed certificate for `domain` (EC P-256, two days), written to dir/<name>-cert.pem and -key.pem. */
export function makeCert(dir: string, domain: string, name = 'site'): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${domain}`,
      '-addext',
      `subjectAltName=DNS:${domain}`,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** The wrapper main configuration: an http block that includes the generated server files. */
export function nginxMainConf(prefix: string, includes: string[], extraHttp = ''): string {
  const tmp = join(prefix, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const runAsRoot = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${runAsRoot}pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
daemon off;
worker_processes 1;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${tmp}/body;
    proxy_temp_path ${tmp}/proxy;
    fastcgi_temp_path ${tmp}/fastcgi;
    uwsgi_temp_path ${tmp}/uwsgi;
    scgi_temp_path ${tmp}/scgi;
${extraHttp}
${includes.map((f) => `    include ${f};`).join('\n')}
}
`;
}

/** `nginx -t` on a wrapper main configuration that includes the given files. */
export function nginxTest(prefix: string, includes: string[]): ToolResult {
  const main = join(prefix, 'nginx-main.conf');
  writeFileSync(main, nginxMainConf(prefix, includes));
  const r = spawnSync('nginx', ['-t', '-q', '-e', join(prefix, 'error.log'), '-c', main, '-p', prefix], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `caddy validate --adapter caddyfile`, with Caddy's storage kept inside `home`. */
export function caddyValidate(file: string, home: string): ToolResult {
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  const r = spawnSync('caddy', ['validate', '--config', file, '--adapter', 'caddyfile'], {
    encoding: 'utf8',
    timeout: 30_000,
    env,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
