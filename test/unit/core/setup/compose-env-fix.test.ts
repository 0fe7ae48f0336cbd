import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import {
  entryFor,
  missingProductionEntries,
  planSetupComposeChanges,
  PRODUCTION_ENV_VARIABLES,
} from '../../../../electron/core/setup/compose-env-fix';
import { appendEnvironmentEntries } from '../../../../electron/core/compose/yaml-edit';
import { planCorsFixes } from '../../../../electron/core/setup/cors-fix';
import type { ComposeFileFact } from '../../../../electron/core/setup/detect';
import { crucibleCeProfile } from '../../../../electron/core/stack';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/compose', import.meta.url));
const readers = crucibleCeProfile.mountedEnvReaders ?? [];

function fact(dir: string, name: string, role: ComposeFileFact['role']): ComposeFileFact {
  const text = readFileSync(join(FIXTURES, dir, name), 'utf8');
  return { name, role, text, sha256: createHash('sha256').update(text).digest('hex') };
}
const prod = fact('stock-prod', 'docker-compose.prod.yml', 'production');
const dev = fact('stock-dev', 'docker-compose.yml', 'default');

describe("setup's production entries (setup/compose-env-fix.ts)", () => {
  it('the prod file lacks every production setting in the api and the worker; the dev file (with the .env mount) lacks nothing', () => {
    expect(Object.fromEntries(missingProductionEntries(prod, readers))).toEqual({
      api: [...PRODUCTION_ENV_VARIABLES],
      worker: [...PRODUCTION_ENV_VARIABLES],
    });
    expect(missingProductionEntries(dev, readers).size).toBe(0);
  });

  it('adds them after the CORS fix, previewed with a redacted diff, keeping comments; a second pass changes nothing', () => {
    const cors = planCorsFixes([prod, dev]);
    const changes = planSetupComposeChanges([prod, dev], cors, readers, {
      names: ['ROUNDTABLE_JWT_SECRET'],
      values: [],
    });
    const p = changes.find((c) => c.file === prod.name);
    expect(p?.adds).toEqual([
      { service: 'api', variables: [...PRODUCTION_ENV_VARIABLES] },
      { service: 'worker', variables: [...PRODUCTION_ENV_VARIABLES] },
    ]);
    expect(p?.after).toContain(
      '      - ROUNDTABLE_ENVIRONMENT=${ROUNDTABLE_ENVIRONMENT:?set ROUNDTABLE_ENVIRONMENT in .env}\n',
    );
    expect(p?.after).toContain('ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?');
    expect(p?.after).toContain(prod.text.split('\n')[0]);
    expect(p?.diff).toContain(
      '+      - ROUNDTABLE_FRONTEND_URL=${ROUNDTABLE_FRONTEND_URL:?set ROUNDTABLE_FRONTEND_URL in .env}',
    );
    // The dev file only gets the CORS fix.
    expect(changes.find((c) => c.file === dev.name)?.adds).toEqual([]);
    // Idempotent: the changed file has nothing left to add.
    expect(missingProductionEntries({ ...prod, text: p?.after ?? '' }, readers).size).toBe(0);
    // The beat does not run the settings that need them: untouched.
    const beat = (parseDocument(p?.after ?? '').toJS() as { services: Record<string, { environment: string[] }> })
      .services.beat;
    expect(beat?.environment.some((e) => e.startsWith('ROUNDTABLE_ENVIRONMENT'))).toBe(false);
  });

  it('without the CORS fix the prod file still gets the production entries', () => {
    const changes = planSetupComposeChanges([prod], [], readers);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.after).toContain('ROUNDTABLE_CORS_ORIGINS=http://localhost:3000');
    expect(changes[0]?.services).toEqual(['api', 'worker']);
  });

  it('appends to a map-style environment with the same indentation, and refuses a flow mapping', () => {
    const text =
      'services:\n  api:\n    image: x\n    environment:\n        A: "1"   # kept\n        B: two\n    ports: []\n';
    const after = appendEnvironmentEntries(text, 'api', [entryFor('ROUNDTABLE_ENVIRONMENT')]);
    expect(after).toBe(
      'services:\n  api:\n    image: x\n    environment:\n        A: "1"   # kept\n        B: two\n        ROUNDTABLE_ENVIRONMENT: "${ROUNDTABLE_ENVIRONMENT:?set ROUNDTABLE_ENVIRONMENT in .env}"\n    ports: []\n',
    );
    expect(() => appendEnvironmentEntries('services:\n  api:\n    environment: {A: "1"}\n', 'api', ['B=2'])).toThrow(
      /could not be extended safely/,
    );
    expect(() => appendEnvironmentEntries('services:\n  api:\n    image: x\n', 'api', ['B=2'])).toThrow(
      /could not be extended safely/,
    );
  });
});
