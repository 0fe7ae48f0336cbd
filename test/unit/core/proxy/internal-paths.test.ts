import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { createProxyAuditRules, fileLocator, inspectProxyConfig } from '../../../../electron/core/proxy/audit-rules';
import { generateProxyBundle } from '../../../../electron/core/proxy/generate';
import { planProxy } from '../../../../electron/core/proxy/plan';
import { renderNginx } from '../../../../electron/core/proxy/nginx';
import { renderCaddy } from '../../../../electron/core/proxy/caddy';
import { key, materialise, sets, target } from '../audit/helpers';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

// The front door keeps Crucible's debug endpoint and API schema inside (issue 22). The real nginx and
// Caddy prove the behaviour in test/integration/proxy/live-*.test.ts; these tests pin the generated text
// and the audit's reading of existing configurations.

const NOW = new Date('2026-12-06T00:00:00Z');
const plan = (server: 'nginx' | 'caddy') =>
  planProxy({ server, domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } }, NOW);

describe('generated configurations', () => {
  it('nginx answers /api/debug/, /openapi.json, /docs and /redoc with 404, citing docs/crucible.md, before the api routes', async () => {
    const t = renderNginx(await plan('nginx'));
    expect(t).toContain('    location ^~ /api/debug/ {\n        return 404;\n    }');
    expect(t).toContain('    location = /api/debug {\n        return 404;\n    }');
    expect(t).toContain('    location ~ ^/(openapi\\.json|docs|redoc)(/|$) {\n        return 404;\n    }');
    expect(t).toContain('# Kept inside (docs/crucible.md#endpoints-the-front-door-keeps-inside)');
    // No add_header inside these locations: it would drop the server-level security headers.
    const blocks = [...t.matchAll(/location [^{]*\{([^}]*)\}/g)].map((m) => m[1] ?? '');
    expect(blocks.filter((b) => b.includes('add_header'))).toEqual([]);
  });

  it('Caddy answers the same paths with 404 in a handle block placed before the login and api handles', async () => {
    const t = renderCaddy(await plan('caddy'));
    expect(t).toContain(
      '\t@crucible_internal path /api/debug /api/debug/* /openapi.json /docs /docs/* /redoc /redoc/*\n\thandle @crucible_internal {\n\t\trespond 404\n\t}',
    );
    expect(t.indexOf('handle @crucible_internal')).toBeLessThan(t.indexOf('handle @login'));
    expect(t.indexOf('handle @crucible_internal')).toBeLessThan(t.indexOf('handle @api'));
    expect(t).toContain('# Kept inside (docs/crucible.md#endpoints-the-front-door-keeps-inside)');
  });

  it('the verification step checks both paths from outside', async () => {
    const b = await generateProxyBundle(
      { server: 'nginx', domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } },
      { folder: null, now: NOW },
    );
    const verify = b.manualSteps.find((s) => s.id === 'verify');
    expect(verify?.commands).toEqual(
      expect.arrayContaining([
        "curl -s -o /dev/null -w '%{http_code}\\n' https://crucible.example.com/api/debug/settings/check",
        "curl -s -o /dev/null -w '%{http_code}\\n' https://crucible.example.com/openapi.json",
      ]),
    );
    expect(verify?.detail).toContain('docs/crucible.md#endpoints-the-front-door-keeps-inside');
  });
});

describe('the audit reads whether a configuration keeps them inside', () => {
  const hand = (inner: string) =>
    `server {\n  listen 443 ssl;\n${inner}\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n`;
  const caddy = (inner: string) => `crucible.example.com {\n${inner}\n\treverse_proxy 127.0.0.1:8000\n}\n`;
  const denies = (path: string, text: string) => inspectProxyConfig(path, text, ['8000'])?.denies;

  it('sees the generated nginx and Caddy rules', async () => {
    expect(denies('/etc/nginx/conf.d/x.conf', renderNginx(await plan('nginx')))).toEqual({ debug: true, schema: true });
    expect(denies('/etc/caddy/Caddyfile', renderCaddy(await plan('caddy')))).toEqual({ debug: true, schema: true });
  });

  it('sees common hand-written forms', () => {
    expect(
      denies('a', hand('  location /api/debug { deny all; }\n  location = /openapi.json { return 403; }')),
    ).toEqual({ debug: true, schema: true });
    expect(denies('b', caddy('\trespond /api/debug/* 403'))).toEqual({ debug: true, schema: false });
    expect(
      denies('c', caddy('\t@dbg {\n\t\tpath /api/debug* /openapi.json\n\t}\n\thandle @dbg {\n\t\tabort\n\t}')),
    ).toEqual({ debug: true, schema: true });
    expect(denies('d', caddy('\thandle /api/debug/* {\n\t\terror 404\n\t}'))).toEqual({ debug: true, schema: false });
  });

  it('does not count commented-out rules, a rule that proxies, or a 3xx', () => {
    expect(denies('e', hand('  # location /api/debug { return 404; }'))).toEqual({ debug: false, schema: false });
    expect(denies('f', hand('  location /api/debug/ { proxy_pass http://127.0.0.1:8000; }'))).toEqual({
      debug: false,
      schema: false,
    });
    expect(denies('g', caddy('\trespond /openapi.json 302'))).toEqual({ debug: false, schema: false });
  });

  it('reports a configuration that passes them on, naming what is open, and not one that keeps them inside', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'sys-'));
    writeFileSync(join(sys, 'handmade.conf'), hand('  location = /openapi.json { return 404; }'));
    writeFileSync(join(sys, 'crucible-crucible.example.com.conf'), renderNginx(await plan('nginx')));
    const ctx = await buildAuditContext(target(materialise('stock-prod'), 'production', ['docker-compose.prod.yml']), {
      fingerprintKey: key,
      secretVariables: sets.secret,
      requiredVariables: sets.required,
      profile: crucibleCeProfile,
      gitBinary: null,
    });
    const got = createProxyAuditRules(fileLocator([sys]), [sys])
      .flatMap((r) => r.run(ctx))
      .filter((f) => f.code === 'PROXY_INTERNAL_EXPOSED');
    expect(got.map((f) => [f.severity, f.title])).toEqual([
      ['warning', `${join(sys, 'handmade.conf')} does not keep /api/debug/ inside`],
    ]);
    expect(got[0]?.message).toContain('service/app/api/routers/debug_settings.py');
    expect(got[0]?.message).not.toContain('openapi');
    expect(got[0]?.message).toContain('docs/crucible.md#endpoints-the-front-door-keeps-inside');
  });
});
