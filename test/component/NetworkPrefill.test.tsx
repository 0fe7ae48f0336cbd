// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { NetworkPage } from '../../renderer/src/pages/NetworkPage';
import type { KnownAddress } from '../../electron/common/ipc/proxy.ipc';
import type { DeploymentRef } from '../../electron/common/model/deployment';
import { fakeDeployment, installFakeApi } from './fake-api';

/** Issue 17, item 6: the HTTPS page fills in the domain the deployment's `.env` already names. */
function fakeMain(deployments: DeploymentRef[], known: Record<string, KnownAddress>) {
  const asked: string[] = [];
  installFakeApi({
    deployments: { list: () => Promise.resolve({ deployments, notice: null }) },
    proxy: {
      knownAddress: ({ deploymentId }) => {
        asked.push(deploymentId ?? '');
        return Promise.resolve(known[deploymentId ?? ''] ?? { domain: null, from: null });
      },
    },
  });
  return asked;
}

const domainField = () => screen.getByLabelText<HTMLInputElement>('Domain name');

afterEach(cleanup);

describe('NetworkPage prefills what the app knows', () => {
  it('the only deployment: its domain from ROUNDTABLE_FRONTEND_URL, and says where it came from', async () => {
    const asked = fakeMain([fakeDeployment('prod', 'Prod')], {
      prod: { domain: 'crucible.example.com', from: 'ROUNDTABLE_FRONTEND_URL' },
    });
    render(<NetworkPage />);
    await waitFor(() => {
      expect(domainField().value).toBe('crucible.example.com');
    });
    expect(screen.getByTestId('domain-prefilled').textContent).toContain('ROUNDTABLE_FRONTEND_URL');
    expect(asked).toEqual(['prod']);
  });

  it('follows the chosen deployment, but keeps a domain the admin typed', async () => {
    const asked = fakeMain([fakeDeployment('one', 'One'), fakeDeployment('two', 'Two')], {
      one: { domain: 'one.example.com', from: 'ROUNDTABLE_CORS_ORIGINS' },
      two: { domain: 'two.example.com', from: 'ROUNDTABLE_FRONTEND_URL' },
    });
    render(<NetworkPage />);
    const select = await screen.findByLabelText<HTMLSelectElement>('Deployment');
    await screen.findByRole('option', { name: 'Two (production)' });
    expect(domainField().value).toBe('');

    fireEvent.change(select, { target: { value: 'one' } });
    await waitFor(() => {
      expect(domainField().value).toBe('one.example.com');
    });
    fireEvent.change(select, { target: { value: 'two' } });
    await waitFor(() => {
      expect(domainField().value).toBe('two.example.com');
    });

    fireEvent.change(domainField(), { target: { value: 'typed.example.net' } });
    expect(screen.queryByTestId('domain-prefilled')).toBeNull();
    fireEvent.change(select, { target: { value: 'one' } });
    // The answer for "one" arrives and is not allowed to overwrite what the admin typed.
    await waitFor(() => {
      expect(asked.filter((a) => a === 'one')).toHaveLength(2);
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(domainField().value).toBe('typed.example.net');
  });

  it('a deployment whose .env names no public address leaves the field empty', async () => {
    const asked = fakeMain([fakeDeployment('local', 'Local')], {});
    render(<NetworkPage />);
    await waitFor(() => {
      expect(asked).toEqual(['local']);
    });
    expect(domainField().value).toBe('');
    expect(screen.queryByTestId('domain-prefilled')).toBeNull();
  });
});
