import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeProjectFromParsed } from '../../../../electron/core/compose/load';
import { parseComposeFile } from '../../../../electron/core/compose/parse-file';
import {
  receivers,
  servicesToRecreate,
  serviceProcessEnvironment,
  type Receipt,
} from '../../../../electron/core/compose/service-env';
import { readEnvValues } from '../../../../electron/core/audit/env-adapter';
import { crucibleCeProfile } from '../../../../electron/core/stack';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/compose', import.meta.url));
const FOLDER = '/srv/crucible';
const readers = crucibleCeProfile.mountedEnvReaders ?? [];

function project(files: Record<string, string>, env: Map<string, string>) {
  return composeProjectFromParsed(
    FOLDER,
    Object.entries(files).map(([name, text]) => parseComposeFile(text, name, FOLDER, (n) => env.get(n))),
  );
}

function fixture(name: string, file: string) {
  const env = readEnvValues(readFileSync(join(FIXTURES, name, 'dotenv'), 'utf8'));
  return { env, project: project({ [file]: readFileSync(join(FIXTURES, name, file), 'utf8') }, env) };
}

const brief = (list: readonly Receipt[] | undefined) =>
  (list ?? []).map((r) => `${r.service}:${r.via}:${r.as ?? '-'}:${r.effective ? 'on' : 'off'}`);

describe('what each service receives (compose/service-env.ts)', () => {
  it('the stock dev file: environment entries, the mounted .env below them, and the redis command', () => {
    const { env, project: p } = fixture('stock-dev', 'docker-compose.yml');
    const map = receivers(p, env, readers);
    expect(brief(map.get('POSTGRES_PASSWORD'))).toEqual(
      expect.arrayContaining([
        'postgres:environment:POSTGRES_PASSWORD:on',
        'api:environment:ROUNDTABLE_DATABASE_URL:on',
        'api:mounted-file:POSTGRES_PASSWORD:on',
        'worker:environment:ROUNDTABLE_DATABASE_URL:on',
      ]),
    );
    expect(brief(map.get('REDIS_PASSWORD'))).toEqual(expect.arrayContaining(['redis:command:-:on']));
    // Only the mounted file delivers the rate-limit switch, to the api alone.
    expect(brief(map.get('ROUNDTABLE_ENABLE_RATE_LIMITING'))).toEqual([
      'api:mounted-file:ROUNDTABLE_ENABLE_RATE_LIMITING:on',
    ]);
    const mounted = map.get('ROUNDTABLE_ENABLE_RATE_LIMITING')?.[0];
    expect(mounted?.mount?.path).toBe('/app/.env');
    expect(mounted?.mount?.reader).toContain('service/app/core/config.py');
  });

  it('an environment entry of the same name beats the mounted file (effective: false)', () => {
    const env = new Map([
      ['ROUNDTABLE_CORS_ORIGINS', 'https://a.example'],
      ['ROUNDTABLE_JWT_SECRET', 'j'],
    ]);
    const p = project(
      {
        'docker-compose.yml':
          'services:\n  api:\n    image: x\n    environment:\n      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n      - ROUNDTABLE_JWT_SECRET=${ROUNDTABLE_JWT_SECRET}\n    volumes:\n      - ./.env:/app/.env\n',
      },
      env,
    );
    const map = receivers(p, env, readers);
    expect(brief(map.get('ROUNDTABLE_CORS_ORIGINS'))).toEqual(['api:mounted-file:ROUNDTABLE_CORS_ORIGINS:off']);
    expect(brief(map.get('ROUNDTABLE_JWT_SECRET'))).toEqual([
      'api:environment:ROUNDTABLE_JWT_SECRET:on',
      'api:mounted-file:ROUNDTABLE_JWT_SECRET:off',
    ]);
    // A change that reaches the api only through the mount needs --force-recreate; one through an entry does not.
    expect(servicesToRecreate(map, ['ROUNDTABLE_JWT_SECRET'])).toEqual({ services: ['api'], forceRecreate: [] });
  });

  it('the stock prod file: no mount, so the mode, URL and rate limits reach nobody', () => {
    const { env, project: p } = fixture('stock-prod', 'docker-compose.prod.yml');
    const map = receivers(p, env, readers);
    for (const v of ['ROUNDTABLE_ENABLE_RATE_LIMITING', 'ROUNDTABLE_LLM_RATE_LIMIT_TPM'])
      expect(map.get(v)).toBeUndefined();
    expect(brief(map.get('ROUNDTABLE_OPENROUTER_API_KEY'))).toEqual([
      'api:environment:ROUNDTABLE_OPENROUTER_API_KEY:on',
      'worker:environment:ROUNDTABLE_OPENROUTER_API_KEY:on',
    ]);
    const api = serviceProcessEnvironment(p, env, 'api', readers);
    expect(api.readsMountedEnv).toBe(false);
    expect(api.environment.ROUNDTABLE_ENVIRONMENT).toBeUndefined();
    expect(api.environment.ROUNDTABLE_CORS_ORIGINS).toBe('http://localhost:3000');
    expect(api.environment.ROUNDTABLE_JWT_SECRET).toBe(env.get('ROUNDTABLE_JWT_SECRET'));
    expect(api.environment.ROUNDTABLE_DATABASE_URL).toContain(`${env.get('POSTGRES_USER') ?? '?'}:`);
  });

  it('env_file: .env gives every key, below environment: entries; a mount is then shadowed too', () => {
    const env = new Map([
      ['A', '1'],
      ['B', '2'],
    ]);
    const p = project(
      {
        'compose.yaml':
          'services:\n  api:\n    image: x\n    env_file: [.env]\n    environment:\n      B: override\n    volumes:\n      - type: bind\n        source: .\n        target: /app\n',
      },
      env,
    );
    const map = receivers(p, env, readers);
    expect(brief(map.get('A'))).toEqual(['api:env_file:A:on', 'api:mounted-file:A:off']);
    expect(brief(map.get('B'))).toEqual(['api:env_file:B:off', 'api:mounted-file:B:off']);
    expect(serviceProcessEnvironment(p, env, 'api', readers)).toEqual({
      environment: { A: '1', B: 'override' },
      readsMountedEnv: true,
    });
  });

  it('`- NAME` takes the value only when set; `${X}` unset still beats the mounted file with an empty value', () => {
    const env = new Map([
      ['SET', 'v'],
      ['ROUNDTABLE_FRONTEND_URL', 'https://f.example'],
    ]);
    const p = project(
      {
        'compose.yaml':
          'services:\n  api:\n    image: x\n    environment:\n      - SET\n      - UNSET\n      - ROUNDTABLE_FRONTEND_URL=${NOT_IN_ENV}\n    volumes:\n      - ./.env:/app/.env:ro\n',
      },
      env,
    );
    const api = serviceProcessEnvironment(p, env, 'api', readers);
    expect(api.environment).toEqual({ SET: 'v', ROUNDTABLE_FRONTEND_URL: '' });
    expect(brief(receivers(p, env, readers).get('ROUNDTABLE_FRONTEND_URL'))).toEqual([
      'api:mounted-file:ROUNDTABLE_FRONTEND_URL:off',
    ]);
    expect(servicesToRecreate(receivers(p, env, readers), ['SET'])).toEqual({ services: ['api'], forceRecreate: [] });
  });

  it('a service reading only the mounted file needs --force-recreate; a mount the profile does not know is not a route', () => {
    const env = new Map([['OPENROUTER_API_KEY', 'k']]);
    const p = project(
      {
        'compose.yaml':
          'services:\n  api:\n    image: x\n    volumes:\n      - ./.env:/app/.env\n  frontend:\n    image: y\n    volumes:\n      - ./.env:/srv/.env\n',
      },
      env,
    );
    const map = receivers(p, env, readers);
    expect(brief(map.get('OPENROUTER_API_KEY'))).toEqual(['api:mounted-file:OPENROUTER_API_KEY:on']);
    expect(servicesToRecreate(map, ['OPENROUTER_API_KEY'])).toEqual({ services: ['api'], forceRecreate: ['api'] });
    expect(receivers(p, env, []).get('OPENROUTER_API_KEY')).toBeUndefined();
  });

  it('the stack profile names the file Crucible reads and its readers', () => {
    expect(readers.map((r) => `${r.service}:${r.path}:${r.prefix}`)).toEqual([
      'api:/app/.env:',
      'worker:/app/.env:',
      'beat:/app/.env:',
    ]);
  });
});
