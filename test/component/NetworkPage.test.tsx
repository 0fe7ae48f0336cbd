// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { NetworkPage } from '../../renderer/src/pages/NetworkPage';
import { ApiError } from '../../electron/common/ipc/api';
import type { GenerateRequest, PickedRef, ProxyBundle } from '../../electron/common/ipc/proxy.ipc';
import type { DeploymentRef } from '../../electron/common/model/deployment';
import { fakeDeployment, installFakeApi } from './fake-api';

/** What proxy/generate.ts answers for a valid request, reduced to what the page shows. */
function bundleFor(r: GenerateRequest): ProxyBundle {
  const domain = r.address.domain ?? '';
  const name = r.server === 'nginx' ? `crucible-${domain}.conf` : 'Caddyfile';
  return {
    server: r.server,
    domain,
    origin: `https://${domain}`,
    environment: r.environment ?? 'production',
    hstsHeader: 'max-age=31536000',
    files: [
      {
        id: 'proxy',
        name,
        language: r.server === 'nginx' ? 'nginx' : 'caddyfile',
        description: 'The site configuration.',
        content: `server_name ${domain};`,
      },
    ],
    manualSteps: [{ id: 'dns', title: 'Point DNS at the server', detail: `An A record for ${domain}.`, commands: [] }],
    envFollowUp: [
      {
        key: 'ROUNDTABLE_CORS_ORIGINS',
        value: `https://${domain}`,
        current: 'http://localhost:3000',
        note: 'Browsers may call the api from here.',
        overriddenByCompose: true,
      },
    ],
    warnings: [],
  };
}

/** A fake main for the page: generate refuses a scheme or a space in the domain as proxy/address.ts does. */
function fakeMain(
  deployments: DeploymentRef[],
  picks: { folder?: PickedRef; certificate?: PickedRef; key?: PickedRef } = {},
) {
  const generated: GenerateRequest[] = [];
  const copied: Array<{ fileId: string; generate: GenerateRequest | undefined }> = [];
  installFakeApi({
    deployments: { list: () => Promise.resolve({ deployments, notice: null }) },
    proxy: {
      pickFolder: () => Promise.resolve(picks.folder ?? null),
      pickCertificate: ({ which }) =>
        Promise.resolve((which === 'certificate' ? picks.certificate : picks.key) ?? null),
      generate: (r) => {
        generated.push(r);
        const domain = r.address.domain ?? '';
        if (domain.includes('://'))
          return Promise.reject(
            new ApiError('PROXY_DOMAIN_HAS_SCHEME', 'Type the domain name without https:// or a path.'),
          );
        if (domain.includes(' '))
          return Promise.reject(new ApiError('PROXY_BAD_DOMAIN', 'The domain name contains a space.'));
        return Promise.resolve(bundleFor(r));
      },
      copy: (r) => (copied.push({ fileId: r.fileId, generate: r.generate }), Promise.resolve({ copied: true })),
      save: () => Promise.resolve({ saved: true, name: 'saved.conf' }),
    },
  });
  return { generated, copied };
}

const deploymentSelect = () => screen.findByLabelText<HTMLSelectElement>('Deployment');
const domainField = () => screen.getByLabelText('Domain name');
const generate = () => {
  fireEvent.click(screen.getByRole('button', { name: 'Generate configuration' }));
};

afterEach(cleanup);

describe('NetworkPage', () => {
  it('preselects the only deployment and generates its front door; copy and save go through main', async () => {
    const main = fakeMain([fakeDeployment('crucible-prod', 'Crucible')]);
    render(<NetworkPage />);
    const select = await deploymentSelect();
    await waitFor(() => {
      expect(select.value).toBe('crucible-prod');
    });
    // A registered deployment has its own environment: the form does not ask for one.
    expect(screen.queryByLabelText('Environment')).toBeNull();

    fireEvent.change(domainField(), { target: { value: 'crucible.example.com' } });
    generate();
    const bundle = await screen.findByTestId('proxy-bundle');
    expect(within(bundle).getByRole('heading', { name: 'Generated for https://crucible.example.com' })).toBeTruthy();
    expect(screen.getByLabelText('Contents of crucible-crucible.example.com.conf').textContent).toBe(
      'server_name crucible.example.com;',
    );
    expect(screen.getByTestId('env-ROUNDTABLE_CORS_ORIGINS').textContent).toContain('compose overrides');
    expect(screen.getByTestId('manual-steps').textContent).toContain('Point DNS at the server');
    expect(main.generated).toEqual([
      {
        server: 'nginx',
        address: { domain: 'crucible.example.com' },
        deploymentId: 'crucible-prod',
        tls: { mode: 'acme' },
        hsts: { maxAgeSeconds: 31_536_000, includeSubDomains: false, preload: false },
      },
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Copy crucible-crucible.example.com.conf' }));
    expect(await screen.findByText('crucible-crucible.example.com.conf copied to the clipboard.')).toBeTruthy();
    expect(main.copied).toEqual([{ fileId: 'proxy', generate: main.generated[0] }]);
    fireEvent.click(screen.getByRole('button', { name: 'Save crucible-crucible.example.com.conf…' }));
    expect(await screen.findByText('Saved as saved.conf.')).toBeTruthy();
  });

  it('with several deployments none is preselected; a chosen folder is named and sent with the chosen environment', async () => {
    const main = fakeMain([fakeDeployment('one-dep', 'One'), fakeDeployment('two-dep', 'Two')], {
      folder: { id: 'folder-1', name: 'crucible' },
    });
    render(<NetworkPage />);
    const select = await deploymentSelect();
    await screen.findByRole('option', { name: 'Two (production)' });
    expect(select.value).toBe('');
    expect(select.textContent).toContain('None (no compose checks)');

    fireEvent.click(screen.getByRole('button', { name: 'Choose a folder…' }));
    await waitFor(() => {
      expect(select.textContent).toContain('Folder: crucible');
    });
    fireEvent.change(screen.getByLabelText('Environment'), { target: { value: 'staging' } });
    fireEvent.click(screen.getByLabelText('Caddy'));
    fireEvent.change(domainField(), { target: { value: 'staging.example.com' } });
    generate();
    expect(await screen.findByLabelText('Contents of Caddyfile')).toBeTruthy();
    expect(main.generated[0]).toMatchObject({ server: 'caddy', folderId: 'folder-1', environment: 'staging' });
    expect(main.generated[0]?.deploymentId).toBeUndefined();
  });

  it('bad input: main’s explanation is shown, no bundle stays, and the error goes when the input changes', async () => {
    fakeMain([]);
    render(<NetworkPage />);
    await deploymentSelect();
    fireEvent.change(domainField(), { target: { value: 'crucible.example.com' } });
    generate();
    await screen.findByTestId('proxy-bundle');

    fireEvent.change(domainField(), { target: { value: 'https://crucible.example.com' } });
    generate();
    expect((await screen.findByTestId('network-error')).textContent).toContain('without https://');
    expect(screen.getByTestId('network-error').getAttribute('role')).toBe('alert');
    // The bundle of the earlier domain does not stay under the error.
    expect(screen.queryByTestId('proxy-bundle')).toBeNull();

    fireEvent.change(domainField(), { target: { value: 'crucible example.com' } });
    expect(screen.queryByTestId('network-error')).toBeNull();
    generate();
    expect((await screen.findByTestId('network-error')).textContent).toContain('contains a space');
  });

  it('certificate files: asks for both before calling main, and sends the picked ids', async () => {
    const main = fakeMain([], {
      certificate: { id: 'cert-1', name: 'cert.pem' },
      key: { id: 'key-1', name: 'key.pem' },
    });
    render(<NetworkPage />);
    await deploymentSelect();
    fireEvent.change(domainField(), { target: { value: 'crucible.example.com' } });
    fireEvent.click(screen.getByLabelText('Certificate files I have'));
    generate();
    expect(screen.getByTestId('network-error').textContent).toBe(
      "Choose both the certificate and the private key files, or use Let's Encrypt.",
    );
    expect(main.generated).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Choose certificate…' }));
    await waitFor(() => {
      expect(screen.getByTestId('cert-name').textContent).toBe('cert.pem');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Choose private key…' }));
    await waitFor(() => {
      expect(screen.getByTestId('key-name').textContent).toBe('key.pem');
    });
    expect(screen.queryByTestId('network-error')).toBeNull();
    generate();
    await screen.findByTestId('proxy-bundle');
    expect(main.generated[0]?.tls).toEqual({ mode: 'files', certFileId: 'cert-1', keyFileId: 'key-1' });
  });

  it('HSTS: preload only with includeSubDomains, and max-age sent in seconds', async () => {
    const main = fakeMain([]);
    render(<NetworkPage />);
    await deploymentSelect();
    const preload = screen.getByLabelText<HTMLInputElement>('preload');
    expect(preload.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/includeSubDomains/));
    expect(preload.disabled).toBe(false);
    fireEvent.click(preload);
    fireEvent.change(screen.getByLabelText(/max-age in days/), { target: { value: '730' } });
    fireEvent.change(domainField(), { target: { value: 'crucible.example.com' } });
    generate();
    await screen.findByTestId('proxy-bundle');
    expect(main.generated[0]?.hsts).toEqual({ maxAgeSeconds: 63_072_000, includeSubDomains: true, preload: true });
    fireEvent.click(screen.getByLabelText(/includeSubDomains/));
    expect(preload.checked).toBe(false);
  });
});
