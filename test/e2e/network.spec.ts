import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';

const FIXTURE = fileURLToPath(new URL('../fixtures/proxy/stock-docker-compose.yml', import.meta.url));

function crucibleFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'net-e2e-'));
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  return dir;
}

test.describe('HTTPS & network page', () => {
  test('generates an nginx configuration for a folder, copies and saves it through main', async ({ app }) => {
    test.skip(!app.harness, 'harness only');
    const h = app.harness!;
    const { page } = app;
    const dir = crucibleFolder();
    await page.getByRole('link', { name: 'HTTPS & network' }).click();
    await expect(page.getByRole('heading', { name: 'HTTPS & network' })).toBeVisible();

    h.platform.queueFolder(dir);
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await expect(page.getByLabel('Deployment')).toContainText(`Folder: ${dir.split('/').pop() ?? ''}`);
    await page.getByLabel('Domain name').fill('crucible.example.com');
    await page.getByRole('button', { name: 'Generate configuration' }).click();

    const bundle = page.getByTestId('proxy-bundle');
    await expect(bundle.getByRole('heading', { name: 'Generated for https://crucible.example.com' })).toBeVisible();
    const config = page.getByLabel('Contents of crucible-crucible.example.com.conf');
    await expect(config).toContainText('add_header Strict-Transport-Security "max-age=31536000" always;');
    await expect(config).toContainText('location = /api/auth/login');
    await expect(page.getByTestId('env-ROUNDTABLE_CORS_ORIGINS')).toContainText('compose overrides');
    await expect(page.getByTestId('manual-steps')).toContainText('Point DNS at the server');
    await expect(page.getByTestId('manual-steps')).toContainText('certbot certonly');

    await page.getByRole('button', { name: 'Copy crucible-crucible.example.com.conf' }).click();
    await expect(page.getByText('crucible-crucible.example.com.conf copied to the clipboard.')).toBeVisible();
    expect(h.platform.clipboardText()).toContain('server_name crucible.example.com;');

    const out = join(dir, 'saved.conf');
    h.platform.queueSaveFile(out);
    await page.getByRole('button', { name: 'Save crucible-crucible.example.com.conf…' }).click();
    await expect(page.getByText('Saved as saved.conf.')).toBeVisible();
    expect(readFileSync(out, 'utf8')).toContain('return 301 https://crucible.example.com$request_uri;');
    expect(statSync(out).mode & 0o777).toBe(0o644);

    await page.getByRole('button', { name: 'Preview compose changes' }).click();
    await expect(page.getByLabel('Diff of docker-compose.yml')).toContainText('+      - "127.0.0.1:8000:8000"');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await expect(page.getByTestId('compose-changes')).toContainText(
      /Changed docker-compose\.yml \(previous kept as docker-compose\.yml\.\d{8}T\d{9}Z/,
    );
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toContain('- "127.0.0.1:3000:3000"');
    await page.getByRole('button', { name: 'Preview compose changes' }).click();
    await expect(page.getByTestId('compose-nothing')).toBeVisible();
  });

  test('shows a clear error for bad input and writes nothing', async ({ app }) => {
    test.skip(!app.harness, 'harness only');
    const h = app.harness!;
    const { page } = app;
    const dir = crucibleFolder();
    await page.getByRole('link', { name: 'HTTPS & network' }).click();
    h.platform.queueFolder(dir);
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await page.getByLabel('Domain name').fill('https://crucible.example.com');
    await page.getByRole('button', { name: 'Generate configuration' }).click();
    await expect(page.getByTestId('network-error')).toContainText('without https://');

    await page.getByLabel('Domain name').fill('crucible example.com');
    await page.getByRole('button', { name: 'Generate configuration' }).click();
    await expect(page.getByTestId('network-error')).toContainText('contains a space');

    // A certificate chosen in the dialog that no longer exists when generating.
    await page.getByLabel('Domain name').fill('crucible.example.com');
    await page.getByLabel('Certificate files I have').check();
    h.platform.queueOpenFile(join(dir, 'gone-cert.pem'));
    await page.getByRole('button', { name: 'Choose certificate…' }).click();
    h.platform.queueOpenFile(join(dir, 'gone-key.pem'));
    await page.getByRole('button', { name: 'Choose private key…' }).click();
    await expect(page.getByTestId('key-name')).toHaveText('gone-key.pem');
    await page.getByRole('button', { name: 'Generate configuration' }).click();
    await expect(page.getByTestId('network-error')).toContainText('does not exist');
    await expect(page.getByTestId('proxy-bundle')).toHaveCount(0);
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
  });

  test('generates with certificate files picked in main, and shows firewall commands with the Docker caveat', async ({
    app,
  }) => {
    test.skip(!app.harness, 'harness only');
    const h = app.harness!;
    const { page } = app;
    const dir = crucibleFolder();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=crucible.example.com',
        '-addext',
        'subjectAltName=DNS:crucible.example.com',
      ],
      { stdio: 'ignore' },
    );
    await page.getByRole('link', { name: 'HTTPS & network' }).click();
    h.platform.queueFolder(dir);
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await page.getByLabel('Caddy').check();
    await page.getByLabel('Domain name').fill('crucible.example.com');
    await page.getByLabel('Certificate files I have').check();
    h.platform.queueOpenFile(join(dir, 'cert.pem'));
    await page.getByRole('button', { name: 'Choose certificate…' }).click();
    h.platform.queueOpenFile(join(dir, 'key.pem'));
    await page.getByRole('button', { name: 'Choose private key…' }).click();
    await page.getByRole('button', { name: 'Generate configuration' }).click();
    await expect(page.getByLabel('Contents of Caddyfile')).toContainText(
      `tls ${join(dir, 'cert.pem')} ${join(dir, 'key.pem')}`,
    );
    await expect(page.getByTestId('proxy-bundle')).toContainText('self-signed');
    writeFileSync(join(dir, '.env'), 'ROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n', { mode: 0o600 });
    await page.getByRole('button', { name: 'Write CORS and frontend URL to .env' }).click();
    await expect(page.getByTestId('env-apply-status')).toContainText(
      'Wrote ROUNDTABLE_CORS_ORIGINS and ROUNDTABLE_FRONTEND_URL to .env',
    );
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('ROUNDTABLE_FRONTEND_URL=');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('https://crucible.example.com');

    await page.getByRole('button', { name: 'Show firewall commands' }).click();
    await expect(page.getByTestId('docker-caveat')).toContainText('DOCKER-USER');
    await expect(page.getByTestId('exposed-ports')).toContainText('8000:8000');
    await expect(page.getByLabel('Contents of firewall-ufw.sh')).toContainText('ufw allow 443/tcp');
    await expect(page.getByLabel('Contents of crucible-firewall.nft')).toContainText(
      'tcp dport { 22, 80, 443 } accept',
    );
    await page.getByRole('button', { name: 'Copy docker-user.sh' }).click();
    await expect.poll(() => h.platform.clipboardText()).toContain('--ctorigdstport 8000');
    expect(existsSync(join(dir, 'Caddyfile'))).toBe(false);
  });
});
