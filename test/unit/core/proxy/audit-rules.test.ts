import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import type { AuditTarget } from '../../../../electron/core/audit/types';
import { createProxyAuditRules, fileLocator, inspectProxyConfig } from '../../../../electron/core/proxy/audit-rules';
import { planProxy } from '../../../../electron/core/proxy/plan';
import { renderNginx } from '../../../../electron/core/proxy/nginx';
import { renderCaddy } from '../../../../electron/core/proxy/caddy';
import { key, materialise, sets, target } from '../audit/helpers';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

// The proxy rules against the audit helper's real context builder and fixture corpus. System folders are
// replaced by a temp folder so the results do not depend on this machine's /etc.

async function findings(t: AuditTarget, systemDir: string) {
  const ctx = await buildAuditContext(t, {
    fingerprintKey: key,
    secretVariables: sets.secret,
    requiredVariables: sets.required,
    profile: crucibleCeProfile,
    gitBinary: null,
  });
  const rules = createProxyAuditRules(fileLocator([systemDir]), [systemDir]);
  return rules
    .flatMap((r) => r.run(ctx))
    .map((f) => ({ code: f.code, severity: f.severity, service: f.service, line: f.line, fixId: f.fixId }));
}

async function nginxConf(hstsDays = 365): Promise<string> {
  const plan = await planProxy(
    {
      server: 'nginx',
      domain: 'crucible.example.com',
      environment: 'production',
      tls: { mode: 'acme' },
      hsts: { maxAgeSeconds: hstsDays * 86400 },
    },
    new Date(),
  );
  return renderNginx(plan);
}

describe('proxy audit rules', () => {
  it('report a missing proxy for a production deployment', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'sys-'));
    expect(await findings(target(materialise('stock-prod'), 'production', ['docker-compose.prod.yml']), sys)).toEqual([
      { code: 'PROXY_CONFIG_MISSING', severity: 'warning', service: undefined, line: undefined, fixId: undefined },
    ]);
  });

  it('say nothing about a missing proxy in development', async () => {
    expect(
      await findings(target(materialise('stock-dev'), 'development'), mkdtempSync(join(tmpdir(), 'sys-'))),
    ).toEqual([]);
  });

  it('with a generated nginx config installed, report only the ports that bypass it, with the loopback fix', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'sys-'));
    writeFileSync(join(sys, 'crucible-crucible.example.com.conf'), await nginxConf());
    const got = await findings(target(materialise('stock-prod'), 'production', ['docker-compose.prod.yml']), sys);
    expect(got.map((f) => [f.code, f.service, f.line])).toEqual([
      ['PROXY_BYPASSABLE', 'api', 28],
      ['PROXY_BYPASSABLE', 'frontend', 70],
    ]);
    expect(got[0]?.fixId).toBe('bind-loopback:docker-compose.prod.yml:api:0');
  });

  it('flag a proxy config in the deployment folder whose HSTS is shorter than a year', async () => {
    const dir = materialise('stock-prod');
    writeFileSync(
      join(dir, 'crucible-crucible.example.com.conf'),
      (await nginxConf()).replaceAll('max-age=31536000', 'max-age=86400'),
    );
    const got = await findings(
      target(dir, 'production', ['docker-compose.prod.yml']),
      mkdtempSync(join(tmpdir(), 'sys-')),
    );
    expect(got.find((f) => f.code === 'PROXY_HSTS_MISSING')).toMatchObject({ severity: 'error' });
    expect(got.some((f) => f.code === 'PROXY_CONFIG_MISSING')).toBe(false);
  });

  it('recognise a hand-written proxy by its upstream and see HSTS only outside comments', () => {
    const hand =
      'server {\n  listen 443 ssl;\n  # add_header Strict-Transport-Security "max-age=63072000";\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n';
    expect(inspectProxyConfig('/etc/nginx/sites-enabled/x', hand, ['8000'])).toEqual({
      path: '/etc/nginx/sites-enabled/x',
      kind: 'nginx',
      hsts: null,
      denies: { debug: false, schema: false },
    });
    expect(
      inspectProxyConfig('/etc/nginx/sites-enabled/default', 'server { listen 80; root /var/www/html; }', ['8000']),
    ).toBeNull();
  });

  it('read HSTS from a generated Caddyfile', async () => {
    const plan = await planProxy(
      { server: 'caddy', domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } },
      new Date(),
    );
    expect(inspectProxyConfig('/etc/caddy/Caddyfile', renderCaddy(plan), ['8000'])).toMatchObject({
      kind: 'caddy',
      hsts: { maxAge: 31536000 },
    });
  });
});
