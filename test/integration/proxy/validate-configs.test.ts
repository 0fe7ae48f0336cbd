import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProxy, type ProxyInput } from '../../../electron/core/proxy/plan';
import { renderNginx } from '../../../electron/core/proxy/nginx';
import { renderCaddy } from '../../../electron/core/proxy/caddy';
import { caddyValidate, makeCert, nginxTest } from './tools';

// Real checkers: Debian's nginx (`nginx -t`) and caddy (`caddy validate`), on configurations generated for
// several domains and option sets.

const NOW = new Date();
let dir: string;
const certs = new Map<string, { cert: string; key: string }>();

const DOMAINS = ['crucible.example.com', 'a.b-c.example.org', 'bücher.example.net'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-validate-'));
  for (const [i, d] of ['crucible.example.com', 'a.b-c.example.org', 'xn--bcher-kva.example.net'].entries())
    certs.set(d, makeCert(dir, d, `c${String(i)}`));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Variant = { name: string; input: (domain: string) => Omit<ProxyInput, 'server'> };

const variants: Variant[] = [
  {
    name: 'defaults with certificate files',
    input: (d) => ({ domain: d, environment: 'production', tls: { mode: 'files', ...files(d) } }),
  },
  {
    name: 'HSTS includeSubDomains+preload, tight limits, port 8443',
    input: (d) => ({
      publicUrl: `https://${d}:8443`,
      environment: 'production',
      tls: { mode: 'files', ...files(d) },
      hsts: { maxAgeSeconds: 63_072_000, includeSubDomains: true, preload: true },
      tuning: { loginPerMinute: 1, loginBurst: 0, maxBodyMb: 1 },
    }),
  },
  {
    name: "Let's Encrypt with e-mail, bound to one address",
    input: (d) => ({
      domain: d,
      environment: 'staging',
      tls: { mode: 'acme', email: 'admin@example.com' },
      listen: { address: '127.0.0.1' },
      apiUpstream: '10.0.0.5:8000',
      frontendUpstream: '[::1]:3000',
    }),
  },
];

function files(domain: string): { certPath: string; keyPath: string } {
  const ascii = domain === 'bücher.example.net' ? 'xn--bcher-kva.example.net' : domain;
  const c = certs.get(ascii);
  if (!c) throw new Error('no cert');
  return { certPath: c.cert, keyPath: c.key };
}

describe('generated nginx configurations pass nginx -t', () => {
  for (const v of variants) {
    it(`${v.name}: all domains together in one http block`, async () => {
      const prefix = mkdtempSync(join(dir, 'nginx-'));
      const includes: string[] = [];
      for (const d of DOMAINS) {
        const plan = await planProxy({ server: 'nginx', ...v.input(d) }, NOW);
        let text = renderNginx(plan);
        if (plan.tls.mode === 'acme') {
          // certbot creates these later; point them at throwaway files for the syntax check.
          const c = files(d);
          text = text
            .replace(`/etc/letsencrypt/live/${plan.domain}/fullchain.pem`, c.certPath)
            .replace(`/etc/letsencrypt/live/${plan.domain}/privkey.pem`, c.keyPath);
        }
        const f = join(prefix, `${plan.domain}.conf`);
        writeFileSync(f, text);
        includes.push(f);
      }
      const r = nginxTest(prefix, includes);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('the checker itself fails on a broken configuration (the test can fail)', async () => {
    const prefix = mkdtempSync(join(dir, 'nginx-bad-'));
    const plan = await planProxy(
      {
        server: 'nginx',
        domain: 'crucible.example.com',
        environment: 'production',
        tls: { mode: 'files', ...files('crucible.example.com') },
      },
      NOW,
    );
    const f = join(prefix, 'bad.conf');
    writeFileSync(f, renderNginx(plan).replace('limit_req_status 429;', 'limit_req_status 429'));
    const r = nginxTest(prefix, [f]);
    expect(r.status).not.toBe(0);
  });
});

describe('generated Caddyfiles pass caddy validate', () => {
  for (const v of variants) {
    for (const d of DOMAINS) {
      it(`${v.name}: ${d}`, async () => {
        const plan = await planProxy({ server: 'caddy', ...v.input(d) }, NOW);
        const f = join(mkdtempSync(join(dir, 'caddy-')), 'Caddyfile');
        writeFileSync(f, renderCaddy(plan));
        const r = caddyValidate(f, join(dir, 'caddy-home'));
        expect(r.output).toContain('Valid configuration');
        expect(r.status).toBe(0);
      });
    }
  }

  it('the checker itself fails on a broken Caddyfile', () => {
    const f = join(mkdtempSync(join(dir, 'caddy-bad-')), 'Caddyfile');
    writeFileSync(f, 'crucible.example.com {\n\trate_limiter_nope on\n}\n');
    expect(caddyValidate(f, join(dir, 'caddy-home')).status).not.toBe(0);
  });
});
