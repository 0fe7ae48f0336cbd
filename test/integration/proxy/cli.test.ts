import { cliIo, noCore } from '../../helpers/cli-io';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { caddyValidate, makeCert, nginxTest } from './tools';

const FIXTURE = fileURLToPath(new URL('../../fixtures/proxy/stock-docker-compose.yml', import.meta.url));

const io = () => cliIo();

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-cli-'));
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  return dir;
}

describe('crucible-secrets proxy', () => {
  it('writes an nginx file with --out that passes nginx -t, and prints what is left to do', async () => {
    const dir = folder();
    const { cert, key } = makeCert(dir, 'crucible.example.com');
    const out = join(dir, 'crucible.conf');
    const t = io();
    const code = await runCli(
      [
        'proxy',
        dir,
        '--server',
        'nginx',
        '--domain',
        'crucible.example.com',
        '--cert',
        cert,
        '--key',
        key,
        '--out',
        out,
      ],
      t.io,
      noCore,
    );
    expect(t.err()).toBe('');
    expect(code).toBe(0);
    expect(t.out()).toContain(`Wrote ${out}`);
    expect(t.out()).toContain('ROUNDTABLE_CORS_ORIGINS=https://crucible.example.com');
    expect(t.out()).toContain('compose override: environment: ROUNDTABLE_CORS_ORIGINS in docker-compose.yml:17');
    expect(statSync(out).mode & 0o777).toBe(0o644);
    const r = nginxTest(mkdtempSync(join(dir, 'pfx-')), [out]);
    expect(r.output).toBe('');
  });

  it('prints a Caddyfile to stdout (notes on stderr) that caddy validates', async () => {
    const dir = folder();
    const t = io();
    expect(
      await runCli(
        ['proxy', dir, '--server', 'caddy', '--url', 'https://crucible.example.com', '--hsts-include-subdomains'],
        t.io,
        noCore,
      ),
    ).toBe(0);
    expect(t.out()).toContain('Strict-Transport-Security "max-age=31536000; includeSubDomains"');
    expect(t.err()).toContain('Stock Caddy has no rate limiter');
    const f = join(dir, 'Caddyfile');
    writeFileSync(f, t.out());
    expect(caddyValidate(f, join(dir, 'caddy-home')).status).toBe(0);
  });

  it.each([
    ['a domain with spaces', ['--domain', 'crucible example.com'], 'PROXY_BAD_DOMAIN'],
    ['a domain with a scheme', ['--domain', 'https://crucible.example.com'], 'PROXY_DOMAIN_HAS_SCHEME'],
    ['an http URL in production', ['--url', 'http://crucible.example.com'], 'PROXY_HTTP_IN_PRODUCTION'],
    [
      'a certificate path that does not exist',
      ['--domain', 'crucible.example.com', '--cert', '/nonexistent/cert.pem', '--key', '/nonexistent/key.pem'],
      'PROXY_CERT_NOT_FOUND',
    ],
    [
      'an HSTS max-age under a year',
      ['--domain', 'crucible.example.com', '--hsts-max-age', '86400'],
      'PROXY_HSTS_TOO_SHORT',
    ],
  ])('refuses %s with a clear message (exit 65) and writes nothing', async (_n, args, code) => {
    const dir = folder();
    const out = join(dir, 'out.conf');
    const t = io();
    expect(await runCli(['proxy', dir, '--server', 'nginx', ...args, '--out', out], t.io, noCore)).toBe(65);
    expect(t.err()).toContain(`[${code}]`);
    expect(t.out()).toBe('');
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
  });

  it('refuses a folder that does not exist', async () => {
    const t = io();
    expect(
      await runCli(['proxy', '/nonexistent-crucible', '--server', 'nginx', '--domain', 'a.example.com'], t.io, noCore),
    ).toBe(65);
    expect(t.err()).toContain('PROXY_FOLDER_NOT_FOUND');
  });

  it('gives usage errors for a missing server or domain', async () => {
    const t = io();
    expect(await runCli(['proxy', folder(), '--domain', 'a.example.com'], t.io, noCore)).toBe(64);
    expect(await runCli(['proxy', folder(), '--server', 'nginx'], t.io, noCore)).toBe(64);
    expect(await runCli(['proxy', folder(), '--server', 'apache', '--domain', 'a.example.com'], t.io, noCore)).toBe(64);
  });

  it('keeps the previous file as a backup when --out replaces one', async () => {
    const dir = folder();
    const out = join(dir, 'site.conf');
    writeFileSync(out, '# old\n');
    expect(
      await runCli(
        ['proxy', dir, '--server', 'nginx', '--domain', 'a.example.com', '--out', out, '--json'],
        io().io,
        noCore,
      ),
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('server_name a.example.com;');
    expect(readdirSync(dir).some((n) => n.startsWith('site.conf.bak-'))).toBe(true);
  });
});

describe('crucible-secrets firewall', () => {
  it('prints ufw and nftables commands, the Docker caveat and the exposed ports of a plain folder', async () => {
    const t = io();
    expect(await runCli(['firewall', folder()], t.io, noCore)).toBe(0);
    expect(t.out()).toContain('Docker caveat:');
    expect(t.out()).toContain('api: "8000:8000" in docker-compose.yml:14');
    expect(t.out()).toContain('ufw default deny incoming');
    expect(t.out()).toContain('tcp dport { 22, 80, 443 } accept');
    expect(t.out()).toContain('--ctorigdstport 8000');
  });

  it('emits JSON with --json', async () => {
    const t = io();
    expect(await runCli(['firewall', folder(), '--ssh-port', '2222', '--json'], t.io, noCore)).toBe(0);
    const g = JSON.parse(t.out()) as { sshPort: number; files: Array<{ name: string }> };
    expect(g.sshPort).toBe(2222);
    expect(g.files.map((f) => f.name)).toEqual(['firewall-ufw.sh', 'crucible-firewall.nft', 'docker-user.sh']);
  });
});

describe('crucible-secrets proxy --compose-diff', () => {
  it('prints the compose diff without changing the file', async () => {
    const dir = folder();
    const before = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    const t = io();
    expect(
      await runCli(
        [
          'proxy',
          dir,
          '--server',
          'nginx',
          '--domain',
          'crucible.example.com',
          '--out',
          join(dir, 'site.conf'),
          '--compose-diff',
        ],
        t.io,
        noCore,
      ),
    ).toBe(0);
    expect(t.out()).toContain('+      - "127.0.0.1:8000:8000"');
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);
  });
});
