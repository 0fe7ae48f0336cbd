import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateProxyBundle } from '../../../../electron/core/proxy/generate';
import { planProxy } from '../../../../electron/core/proxy/plan';
import { renderNginx } from '../../../../electron/core/proxy/nginx';
import { renderCaddy } from '../../../../electron/core/proxy/caddy';
import { firewallGuide } from '../../../../electron/core/proxy/firewall';
import { isLiteral, readComposeFacts } from '../../../../electron/core/proxy/compose-facts';
import { readOriginKeys } from '../../../../electron/core/proxy/env-followup';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/proxy/stock-docker-compose.yml', import.meta.url));
const NOW = new Date('2026-11-30T00:00:00Z');

function stockFolder(env = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-gen-'));
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  if (env) writeFileSync(join(dir, '.env'), env);
  return dir;
}

describe('nginx rendering', () => {
  it('has the redirect, HSTS without preload, security headers, login limit, size limits and routing', async () => {
    const plan = await planProxy(
      { server: 'nginx', domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } },
      NOW,
    );
    const t = renderNginx(plan);
    expect(t).toContain('return 301 https://crucible.example.com$request_uri;');
    expect(t).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
    expect(t).not.toMatch(/Strict-Transport-Security "[^"]*preload/);
    expect(t).toContain('add_header X-Content-Type-Options "nosniff" always;');
    expect(t).toContain('add_header X-Frame-Options "DENY" always;');
    expect(t).toContain('add_header Referrer-Policy "strict-origin-when-cross-origin" always;');
    expect(t).toMatch(
      /location = \/api\/auth\/login \{\n\s+limit_req zone=crucible_crucible_example_com_login burst=5 nodelay;/,
    );
    expect(t).toContain(
      'limit_req_zone $crucible_crucible_example_com_login_key zone=crucible_crucible_example_com_login:10m rate=5r/m;',
    );
    expect(t).toContain('client_max_body_size 25m;');
    expect(t).toContain('server 127.0.0.1:8000;');
    expect(t).toContain('server 127.0.0.1:3000;');
    expect(t).toContain('ssl_certificate     /etc/letsencrypt/live/crucible.example.com/fullchain.pem;');
  });

  it('adds includeSubDomains and preload only when chosen', async () => {
    const plan = await planProxy(
      {
        server: 'nginx',
        domain: 'crucible.example.com',
        environment: 'production',
        tls: { mode: 'acme' },
        hsts: { includeSubDomains: true, preload: true },
      },
      NOW,
    );
    expect(renderNginx(plan)).toContain('"max-age=31536000; includeSubDomains; preload"');
    expect(plan.warnings.join(' ')).toMatch(/preload/);
  });
});

describe('Caddy rendering', () => {
  it('uses ACME with the e-mail, headers with defer, body limits and the /api route', async () => {
    const plan = await planProxy(
      {
        server: 'caddy',
        domain: 'crucible.example.com',
        environment: 'production',
        tls: { mode: 'acme', email: 'ops@example.com' },
      },
      NOW,
    );
    const t = renderCaddy(plan);
    expect(t).toContain('\temail ops@example.com');
    expect(t).toContain('crucible.example.com {');
    expect(t).toContain('Strict-Transport-Security "max-age=31536000"');
    expect(t).toContain('\t\tdefer');
    expect(t).toContain('max_size 25MiB');
    expect(t).toContain('@api path /api /api/*');
    expect(t).toMatch(/# rate_limit \{/);
  });
});

describe('the bundle for a stock Crucible folder', () => {
  it('flags the hard-coded CORS and API URL, and the ports on every interface', async () => {
    const dir = stockFolder(
      "ROUNDTABLE_CORS_ORIGINS='http://localhost:3000'\nROUNDTABLE_FRONTEND_URL=http://localhost:3000 # dev\n",
    );
    const b = await generateProxyBundle(
      { server: 'nginx', domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } },
      { folder: dir, now: NOW },
    );
    const cors = b.envFollowUp.find((e) => e.key === 'ROUNDTABLE_CORS_ORIGINS');
    expect(cors).toMatchObject({
      value: 'https://crucible.example.com',
      current: 'http://localhost:3000',
      overriddenByCompose: true,
    });
    expect(cors?.evidence).toBe('environment: ROUNDTABLE_CORS_ORIGINS in docker-compose.yml:17');
    expect(b.envFollowUp.find((e) => e.key === 'ROUNDTABLE_FRONTEND_URL')).toMatchObject({
      value: 'https://crucible.example.com',
      current: 'http://localhost:3000',
      overriddenByCompose: false,
    });
    expect(b.envFollowUp.find((e) => e.key === 'NEXT_PUBLIC_API_URL')).toMatchObject({
      value: 'https://crucible.example.com/api',
      overriddenByCompose: true,
    });
    const bind = b.manualSteps.find((s) => s.id === 'bind-loopback');
    expect(bind?.detail).toContain('api "8000:8000" (docker-compose.yml:14)');
    expect(bind?.detail).toContain('frontend "3000:3000"');
    expect(b.manualSteps.map((s) => s.id)).toEqual([
      'dns',
      'certificate',
      'install',
      'bind-loopback',
      'firewall',
      'env',
      'verify',
    ]);
  });

  it('reads compose port syntaxes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-ports-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  api:\n    ports:\n      - target: 8000\n        published: "8000"\n        host_ip: 127.0.0.1\n      - "0.0.0.0:9000:9000"\n      - "[::1]:80:80/tcp"\n      - "3000"\n',
    );
    const f = await readComposeFacts(dir);
    expect(f.services[0]?.ports.map((p) => [p.raw, p.hostIp, p.published, p.target, p.allInterfaces, p.line])).toEqual([
      ['127.0.0.1:8000:8000', '127.0.0.1', '8000', '8000', false, 4],
      ['0.0.0.0:9000:9000', null, '9000', '9000', true, 7],
      ['[::1]:80:80/tcp', '::1', '80', '80', false, 8],
      ['3000', null, null, '3000', true, 9],
    ]);
  });

  it('interpolates ports with the folder .env as compose does, reads every compose file, and reports the unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-ports-'));
    writeFileSync(join(dir, '.env'), 'API_HOST=127.0.0.1\n');
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      'services:\n  api:\n    ports:\n      - "${API_HOST}:${API_PORT:-8000}:8000"\n      - "not a port"\n    environment:\n      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS}\n      - A_LITERAL=http://localhost:3000\n',
    );
    writeFileSync(
      join(dir, 'docker-compose.prod.yml'),
      'services:\n  frontend:\n    ports: ["${FRONT_HOST}:3000:3000"]\n',
    );
    writeFileSync(join(dir, 'compose.override.yaml'), 'services: [a, b]\n');
    const f = await readComposeFacts(dir);
    expect(f.files).toEqual(['compose.override.yaml', 'docker-compose.prod.yml', 'docker-compose.yml']);
    expect(f.unreadable).toEqual(['compose.override.yaml']);
    const ports = f.services.flatMap((s) =>
      s.ports.map((p) => [s.service, p.raw, p.hostIp, p.published, p.allInterfaces]),
    );
    expect(ports).toEqual([
      ['frontend', '${FRONT_HOST}:3000:3000', null, '3000', true],
      ['api', '${API_HOST}:${API_PORT:-8000}:8000', '127.0.0.1', '8000', false],
    ]);
    const api = f.services.find((s) => s.service === 'api');
    expect([...(api?.environment ?? new Map<string, unknown>())]).toEqual([
      ['ROUNDTABLE_CORS_ORIGINS', { value: '${ROUNDTABLE_CORS_ORIGINS}', line: 7 }],
      ['A_LITERAL', { value: 'http://localhost:3000', line: 8 }],
    ]);
    expect(isLiteral('${ROUNDTABLE_CORS_ORIGINS}')).toBe(false);
    expect(isLiteral('$$ROUNDTABLE_CORS_ORIGINS http://x')).toBe(true);
    expect(isLiteral('$$$A')).toBe(false);
    expect(isLiteral(null)).toBe(false);
  });

  it('reads the three origin keys from .env with the compose reader (quotes, comments, $)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-env-'));
    writeFileSync(
      join(dir, '.env'),
      'SECRET_KEY=x\nROUNDTABLE_CORS_ORIGINS=\'http://a.example\' # note\nexport ROUNDTABLE_FRONTEND_URL="http://${HOST_NAME:-b.example}"\nNEXT_PUBLIC_API_URL=http://c.example/api # dev\nROUNDTABLE_CORS_ORIGINS="http://d.example"\n',
    );
    const keys = await readOriginKeys(dir);
    expect([...keys].sort()).toEqual([
      ['NEXT_PUBLIC_API_URL', 'http://c.example/api'],
      ['ROUNDTABLE_CORS_ORIGINS', 'http://d.example'],
      ['ROUNDTABLE_FRONTEND_URL', 'http://b.example'],
    ]);
    expect(await readOriginKeys(join(dir, 'missing'))).toEqual(new Map());
  });
});

describe('bad input writes nothing', () => {
  it.each([
    ['a domain with a space', { domain: 'crucible example.com' }, 'PROXY_BAD_DOMAIN'],
    ['a domain with a scheme', { domain: 'https://crucible.example.com' }, 'PROXY_DOMAIN_HAS_SCHEME'],
    ['an http URL in production', { publicUrl: 'http://crucible.example.com' }, 'PROXY_HTTP_IN_PRODUCTION'],
  ])('%s', async (_n, address, code) => {
    const dir = stockFolder();
    const before = readdirSync(dir).sort();
    await expect(
      generateProxyBundle(
        { server: 'nginx', ...address, environment: 'production', tls: { mode: 'acme' } },
        { folder: dir, now: NOW },
      ),
    ).rejects.toMatchObject({ code });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a certificate path that does not exist', async () => {
    const dir = stockFolder();
    await expect(
      generateProxyBundle(
        {
          server: 'caddy',
          domain: 'crucible.example.com',
          environment: 'production',
          tls: { mode: 'files', certPath: join(dir, 'nope.pem'), keyPath: join(dir, 'nope-key.pem') },
        },
        { folder: dir, now: NOW },
      ),
    ).rejects.toMatchObject({
      code: 'PROXY_CERT_NOT_FOUND',
      message: expect.stringContaining('does not exist') as string,
    });
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
  });

  it('a relative or unsafe certificate path', async () => {
    await expect(
      planProxy(
        {
          server: 'nginx',
          domain: 'a.example.com',
          environment: 'production',
          tls: { mode: 'files', certPath: 'cert.pem', keyPath: '/k.pem' },
        },
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'PROXY_CERT_PATH_RELATIVE' });
    await expect(
      planProxy(
        {
          server: 'nginx',
          domain: 'a.example.com',
          environment: 'production',
          tls: { mode: 'files', certPath: '/etc/ssl/a;b.pem', keyPath: '/k.pem' },
        },
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'PROXY_CERT_PATH_UNSAFE' });
  });
});

describe('firewall guide', () => {
  it('allows only SSH, 80 and 443 and drops the published ports in DOCKER-USER', async () => {
    const f = await readComposeFacts(stockFolder());
    const g = firewallGuide({ publishedPorts: f.services.flatMap((s) => s.ports) });
    const [ufw, nft, du] = g.files;
    expect(ufw?.content.match(/^ufw allow .*$/gm)).toEqual([
      "ufw allow 22/tcp comment 'SSH'",
      "ufw allow 80/tcp comment 'HTTP (redirect to HTTPS, ACME)'",
      "ufw allow 443/tcp comment 'HTTPS'",
    ]);
    expect(ufw?.content.indexOf('ufw allow 22/tcp')).toBeLessThan(ufw?.content.indexOf('ufw --force enable') ?? 0);
    expect(nft?.content).toContain('tcp dport { 22, 80, 443 } accept');
    expect(nft?.content).toContain('policy drop;');
    expect(nft?.content).not.toMatch(/^flush ruleset/m);
    expect(du?.content).toContain(
      'iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL -j DROP',
    );
    expect(du?.content).toContain('--ctorigdstport 3000');
    expect(g.dockerCaveat).toMatch(/bypass|never passes the INPUT chain/);
    expect(g.dockerCaveat).toContain('127.0.0.1:8000:8000');
  });

  it('keeps a custom SSH port and refuses a bad interface name', () => {
    expect(firewallGuide({ sshPort: 2222 }).files[1]?.content).toContain('tcp dport { 2222, 80, 443 }');
    expect(() => firewallGuide({ externalInterface: 'eth0; rm -rf /' })).toThrow(/not a valid name/);
  });
});
