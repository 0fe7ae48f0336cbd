import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices } from '../../electron/core/services';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { harnessPlatform } from '../harness/platform';
import { planProxy } from '../../electron/core/proxy/plan';
import { renderNginx } from '../../electron/core/proxy/nginx';
import { renderCaddy } from '../../electron/core/proxy/caddy';

const FIXTURE = fileURLToPath(new URL('../fixtures/proxy/stock-docker-compose.yml', import.meta.url));
const ORIGIN = 'app://crucible';
const sender = { url: `${ORIGIN}/index.html`, isTopFrame: true };

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'cs-sec-proxy-'));
  const sink = memorySink();
  const logger = createLogger({ sink });
  const core = createCoreServices({ home, logger, env: {} });
  const platform = harnessPlatform();
  const router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: 'x', version: '0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN),
    logger,
  });
  const dir = mkdtempSync(join(tmpdir(), 'cs-sec-proxy-dep-'));
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  return { router, platform, dir, sink };
}

const base = {
  server: 'nginx',
  address: { domain: 'crucible.example.com' },
  environment: 'production',
  tls: { mode: 'acme' },
};

describe('HTTPS front door security regressions', () => {
  it('T-PROXY-01: the renderer cannot name a path: unknown or mismatched pick ids and raw paths are refused', async () => {
    const { router, platform, dir } = setup();
    const gen = (extra: object) => router.handle('cs:proxy:generate', { ...base, ...extra }, sender);
    expect(await gen({ folderId: dir })).toMatchObject({ ok: false, error: { code: 'PROXY_UNKNOWN_CHOICE' } });
    expect(
      await gen({ tls: { mode: 'files', certFileId: '/etc/ssl/private/x.pem', keyFileId: '/etc/shadow' } }),
    ).toMatchObject({ ok: false, error: { code: 'PROXY_UNKNOWN_CHOICE' } });
    platform.queueOpenFile(join(dir, 'docker-compose.yml'));
    const cert = await router.handle('cs:proxy:pickCertificate', { which: 'certificate' }, sender);
    const certId = (cert as { ok: true; value: { id: string } }).value.id;
    // A certificate pick cannot stand in for the folder or the key.
    expect(await gen({ folderId: certId })).toMatchObject({ ok: false, error: { code: 'PROXY_UNKNOWN_CHOICE' } });
    expect(await gen({ tls: { mode: 'files', certFileId: certId, keyFileId: certId } })).toMatchObject({
      ok: false,
      error: { code: 'PROXY_UNKNOWN_CHOICE' },
    });
    // Extra keys (a path or content to write) are refused by the strict schema.
    expect(
      await router.handle(
        'cs:proxy:save',
        { generate: base, fileId: 'proxy-config', path: '/etc/nginx/x.conf' },
        sender,
      ),
    ).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
    expect(
      await router.handle('cs:proxy:save', { generate: { ...base, content: 'evil' }, fileId: 'proxy-config' }, sender),
    ).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
  });

  it('T-PROXY-02: save writes only where the main dialog says, and a cancelled dialog writes nothing', async () => {
    const { router, platform, dir } = setup();
    platform.queueSaveFile(null);
    expect(await router.handle('cs:proxy:save', { generate: base, fileId: 'proxy-config' }, sender)).toEqual({
      ok: true,
      value: { saved: false, name: null },
    });
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
    const out = join(dir, 'chosen.conf');
    platform.queueSaveFile(out);
    expect(await router.handle('cs:proxy:save', { generate: base, fileId: 'proxy-config' }, sender)).toEqual({
      ok: true,
      value: { saved: true, name: 'chosen.conf' },
    });
    expect(readFileSync(out, 'utf8')).toContain('server_name crucible.example.com;');
  });

  it('T-PROXY-03: nothing that could add a directive reaches a generated file', async () => {
    const evil = [
      'crucible.example.com;\n  include /etc/shadow',
      'a.example.com}\nserver{',
      'a.example.com"$host',
      'a.example.com #x',
    ];
    for (const domain of evil) {
      await expect(
        planProxy({ server: 'nginx', domain, environment: 'production', tls: { mode: 'acme' } }, new Date()),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^PROXY_/) as string });
    }
    await expect(
      planProxy(
        {
          server: 'caddy',
          domain: 'a.example.com',
          environment: 'production',
          tls: { mode: 'acme', email: 'a@example.com\n}\n:80 {' },
        },
        new Date(),
      ),
    ).rejects.toMatchObject({ code: 'PROXY_BAD_EMAIL' });
    await expect(
      planProxy(
        {
          server: 'nginx',
          domain: 'a.example.com',
          environment: 'production',
          tls: { mode: 'files', certPath: '/tmp/a.pem;\nssl_certificate_key /etc/shadow', keyPath: '/tmp/k.pem' },
        },
        new Date(),
      ),
    ).rejects.toMatchObject({ code: 'PROXY_CERT_PATH_UNSAFE' });
    await expect(
      planProxy(
        {
          server: 'nginx',
          domain: 'a.example.com',
          environment: 'production',
          tls: { mode: 'acme' },
          apiUpstream: '127.0.0.1:8000; }',
        },
        new Date(),
      ),
    ).rejects.toMatchObject({ code: 'PROXY_BAD_UPSTREAM' });
    // And a valid plan renders without any of those characters coming from input.
    const plan = await planProxy(
      { server: 'nginx', domain: 'crucible.example.com', environment: 'production', tls: { mode: 'acme' } },
      new Date(),
    );
    expect(renderNginx(plan)).not.toContain('shadow');
    expect(renderCaddy({ ...plan, server: 'caddy' })).not.toContain('shadow');
  });

  it('T-PROXY-04: writing the .env follow-ups returns and logs no value from .env', async () => {
    const { router, platform, dir, sink } = setup();
    writeFileSync(
      join(dir, '.env'),
      "POSTGRES_PASSWORD='CANARY-proxy-7f3a'\nROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n",
      { mode: 0o600 },
    );
    platform.queueFolder(dir);
    const picked = (await router.handle('cs:proxy:pickFolder', {}, sender)) as { ok: true; value: { id: string } };
    const res = await router.handle(
      'cs:proxy:envApply',
      { address: { domain: 'crucible.example.com' }, folderId: picked.value.id },
      sender,
    );
    expect(res).toMatchObject({ ok: true, value: { changed: ['ROUNDTABLE_CORS_ORIGINS', 'ROUNDTABLE_FRONTEND_URL'] } });
    const gen = await router.handle('cs:proxy:generate', { ...base, folderId: picked.value.id }, sender);
    expect(JSON.stringify([res, gen, sink.lines])).not.toContain('CANARY');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain("POSTGRES_PASSWORD='CANARY-proxy-7f3a'");
  });
});
