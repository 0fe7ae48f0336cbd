// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { SecretsPage } from '../../renderer/src/pages/SecretsPage';
import type { SecretList } from '../../electron/common/ipc/secrets.ipc';
import { demoDeployment, installFakeApi } from './fake-api';

const deployment = demoDeployment;
const base = {
  kind: 'secret',
  fingerprint: null,
  created: null,
  rotated: null,
  generation: null,
  origin: null,
  status: 'missing' as const,
};
const list: SecretList = {
  deploymentId: 'demo-one',
  keychainProblem: null,
  refs: [
    {
      ...base,
      name: 'POSTGRES_PASSWORD',
      reaches: [
        { service: 'postgres', via: 'environment', as: 'POSTGRES_PASSWORD', effective: true },
        { service: 'api', via: 'environment', as: 'ROUNDTABLE_DATABASE_URL', effective: true },
        { service: 'api', via: 'mounted-file', as: 'POSTGRES_PASSWORD', effective: false },
      ],
    },
    { ...base, name: 'ROUNDTABLE_EDEN_AI_API_KEY', reaches: [] },
    { ...base, name: 'REDIS_PASSWORD' },
    {
      ...base,
      name: 'CACHE_PASSWORD',
      reaches: [
        { service: 'redis', via: 'command', as: null, effective: true },
        { service: 'redis', via: 'command', as: null, effective: true },
      ],
    },
  ],
};

beforeEach(() => {
  window.location.hash = '#/secrets/demo-one';
  installFakeApi({
    deployments: {
      get: () => Promise.resolve(deployment),
      list: () => Promise.resolve({ deployments: [deployment], notice: null }),
    },
    secrets: {
      list: () => Promise.resolve(list),
      drift: () =>
        Promise.resolve({
          deploymentId: 'demo-one',
          envFile: '/srv/demo/.env',
          envFound: true,
          inSync: true,
          items: [],
        }),
    },
  });
});
afterEach(() => {
  cleanup();
});

describe('the Secrets page says which services receive each secret', () => {
  it('lists each service and route, marks a shadowed one, and says when none or unknown', async () => {
    render(<SecretsPage />);
    expect((await screen.findByTestId('reaches-POSTGRES_PASSWORD')).textContent).toBe(
      'Reaches: postgres (environment entry POSTGRES_PASSWORD), api (environment entry ROUNDTABLE_DATABASE_URL), api (mounted .env, shadowed by an environment entry)',
    );
    expect(screen.getByTestId('reaches-ROUNDTABLE_EDEN_AI_API_KEY').textContent).toBe('Reaches: no container');
    expect(screen.getByTestId('reaches-REDIS_PASSWORD').textContent).toBe('Reaches: unknown (compose files not read)');
    // The command and the healthcheck both carry it: one mention.
    expect(screen.getByTestId('reaches-CACHE_PASSWORD').textContent).toBe('Reaches: redis (command line)');
  });
});
