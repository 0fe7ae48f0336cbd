import { describe, expect, it } from 'vitest';
import type { DeploymentRef } from '../../../electron/common/model/deployment';
import {
  buildRequest,
  chosenDeploymentId,
  initialNetworkState,
  missingInput,
  networkReducer,
  targetOf,
  type NetworkAction,
  type NetworkState,
} from '../../../renderer/src/components/network/network-state';

const dep = (id: string): DeploymentRef => ({
  id,
  name: id,
  folder: `/srv/${id}`,
  composeFiles: ['docker-compose.yml'],
  environment: 'production',
  createdAt: '2026-01-01T00:00:00.000Z',
});
const play = (...actions: NetworkAction[]): NetworkState => actions.reduce(networkReducer, initialNetworkState);

describe('networkReducer and the request it builds', () => {
  it('defaults to nginx, Let’s Encrypt, one year of HSTS without subdomains or preload', () => {
    expect(buildRequest(initialNetworkState, '')).toEqual({
      server: 'nginx',
      address: { domain: '' },
      environment: 'production',
      tls: { mode: 'acme' },
      hsts: { maxAgeSeconds: 31_536_000, includeSubDomains: false, preload: false },
    });
  });

  it('preselects the only deployment until the admin chooses; never one of several', () => {
    expect(chosenDeploymentId(initialNetworkState, [dep('only-one')])).toBe('only-one');
    expect(chosenDeploymentId(initialNetworkState, [dep('one-a'), dep('two-b')])).toBe('');
    expect(chosenDeploymentId(initialNetworkState, [])).toBe('');
    // "None" chosen on purpose stays none.
    expect(chosenDeploymentId(play({ type: 'deployment', deploymentId: '' }), [dep('only-one')])).toBe('');
  });

  it('a picked folder replaces the deployment; the request then names the folder and the form’s environment', () => {
    const s = play(
      { type: 'deployment', deploymentId: 'only-one' },
      { type: 'folderPicked', folder: { id: 'f1', name: 'crucible' } },
      { type: 'environment', environment: 'staging' },
    );
    const id = chosenDeploymentId(s, [dep('only-one')]);
    expect(id).toBe('');
    expect(targetOf(s, id)).toEqual({ folderId: 'f1' });
    expect(buildRequest(s, id)).toMatchObject({ folderId: 'f1', environment: 'staging' });
  });

  it('a registered deployment brings its own environment: the request leaves it out', () => {
    const s = play(
      { type: 'environment', environment: 'development' },
      { type: 'deployment', deploymentId: 'only-one' },
    );
    const r = buildRequest(s, 'only-one');
    expect(r.deploymentId).toBe('only-one');
    expect('environment' in r).toBe(false);
  });

  it('certificate files: missing ones are named before asking main; both picked go into the request', () => {
    const files = play(
      { type: 'tlsMode', tlsMode: 'files' },
      { type: 'filePicked', which: 'certificate', file: { id: 'c1', name: 'cert.pem' } },
    );
    expect(missingInput(files)).toMatch(/Choose both the certificate and the private key/);
    const both = networkReducer(files, { type: 'filePicked', which: 'key', file: { id: 'k1', name: 'key.pem' } });
    expect(missingInput(both)).toBeNull();
    expect(buildRequest(both, '').tls).toEqual({ mode: 'files', certFileId: 'c1', keyFileId: 'k1' });
    expect(missingInput(initialNetworkState)).toBeNull();
  });

  it('an e-mail for ACME is sent only when given; the server and domain are sent as chosen', () => {
    const s = play(
      { type: 'server', server: 'caddy' },
      { type: 'domain', domain: 'crucible.example.com' },
      { type: 'email', email: 'ops@example.com' },
    );
    expect(buildRequest(s, '')).toMatchObject({
      server: 'caddy',
      address: { domain: 'crucible.example.com' },
      tls: { mode: 'acme', email: 'ops@example.com' },
    });
  });

  it('preload needs includeSubDomains: unticking it unticks preload, and preload alone cannot be set', () => {
    const both = play({ type: 'includeSubDomains', on: true }, { type: 'preload', on: true });
    expect([both.includeSubDomains, both.preload]).toEqual([true, true]);
    const off = networkReducer(both, { type: 'includeSubDomains', on: false });
    expect([off.includeSubDomains, off.preload]).toEqual([false, false]);
    expect(networkReducer(off, { type: 'preload', on: true }).preload).toBe(false);
  });

  it('max-age is typed in days and sent in seconds (main judges a bad value)', () => {
    expect(buildRequest(play({ type: 'maxAgeDays', maxAgeDays: '730' }), '').hsts?.maxAgeSeconds).toBe(63_072_000);
    expect(buildRequest(play({ type: 'maxAgeDays', maxAgeDays: 'soon' }), '').hsts?.maxAgeSeconds).toBeNaN();
  });

  it('keeps the generated bundle with its request, and drops it when generating fails', () => {
    const request = buildRequest(initialNetworkState, '');
    const bundle = {
      server: 'nginx' as const,
      domain: 'd',
      origin: 'https://d',
      environment: 'production' as const,
      hstsHeader: 'h',
      files: [],
      manualSteps: [],
      envFollowUp: [],
      warnings: [],
    };
    const s = play({ type: 'generated', bundle, request });
    expect(s.generated?.request).toBe(request);
    expect(networkReducer(s, { type: 'generateFailed' }).generated).toBeNull();
  });
});
