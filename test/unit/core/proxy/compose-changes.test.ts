import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyComposeChanges, planComposeChanges } from '../../../../electron/core/proxy/compose-changes';
import { readComposeFacts } from '../../../../electron/core/proxy/compose-facts';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/proxy/stock-docker-compose.yml', import.meta.url));
const ORIGIN = 'https://crucible.example.com';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-compose-'));
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  return dir;
}

describe('front-door compose changes', () => {
  it('previews binding api and frontend to 127.0.0.1, CORS from .env and the https API URL, as a diff', async () => {
    const dir = folder();
    const plan = await planComposeChanges(dir, ORIGIN, crucibleCeProfile);
    expect(plan.files.map((f) => f.file)).toEqual(['docker-compose.yml']);
    const [f] = plan.files;
    expect(f?.changes).toEqual([
      'api: bind port 8000:8000 to 127.0.0.1',
      'frontend: bind port 3000:3000 to 127.0.0.1',
      `api: take ROUNDTABLE_CORS_ORIGINS from .env (default ${ORIGIN}) instead of the hard-coded value`,
      `frontend: NEXT_PUBLIC_API_URL=${ORIGIN}/api`,
    ]);
    expect(f?.diff).toContain('-      - "8000:8000"\n+      - "127.0.0.1:8000:8000"');
    expect(f?.diff).toContain(`+      - ROUNDTABLE_CORS_ORIGINS=\${ROUNDTABLE_CORS_ORIGINS:-${ORIGIN}}`);
    expect(f?.diff).toContain(`+      - NEXT_PUBLIC_API_URL=${ORIGIN}/api`);
    // Nothing written by planning.
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(readFileSync(FIXTURE, 'utf8'));
  });

  it('applies exactly the preview, keeps comments and the build args, and leaves a backup', async () => {
    const dir = folder();
    const plan = await planComposeChanges(dir, ORIGIN, crucibleCeProfile);
    const f = plan.files[0];
    if (!f) throw new Error('no plan');
    const keep = join(mkdtempSync(join(tmpdir(), 'proxy-compose-home-')), 'previous', 'd');
    const applied = await applyComposeChanges(dir, ORIGIN, { [f.file]: f.token }, keep, crucibleCeProfile);
    const text = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    expect(text).toBe(f.after);
    expect(text).toContain('# Trimmed from Crucible CE');
    expect(text).toContain('NEXT_PUBLIC_API_URL: http://localhost:8000/api'); // build arg: rebuild note instead
    expect(applied[0]?.backupPath).not.toBeNull();
    expect(readFileSync(applied[0]?.backupPath ?? '', 'utf8')).toBe(readFileSync(FIXTURE, 'utf8'));
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
    const facts = await readComposeFacts(dir);
    expect(facts.services.flatMap((s) => s.ports).every((p) => !p.allInterfaces)).toBe(true);
    expect((await planComposeChanges(dir, ORIGIN, crucibleCeProfile)).files).toEqual([]);
  });

  it('refuses a stale preview and writes nothing', async () => {
    const dir = folder();
    const f = (await planComposeChanges(dir, ORIGIN, crucibleCeProfile)).files[0];
    if (!f) throw new Error('no plan');
    writeFileSync(join(dir, 'docker-compose.yml'), readFileSync(FIXTURE, 'utf8') + '# edited meanwhile\n');
    await expect(
      applyComposeChanges(dir, ORIGIN, { [f.file]: f.token }, join(dir, 'keep'), crucibleCeProfile),
    ).rejects.toMatchObject({ code: 'FIX_STALE' });
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toContain('# edited meanwhile');
  });
});
