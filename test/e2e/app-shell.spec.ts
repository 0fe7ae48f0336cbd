import { test, expect } from './fixtures';
import { contract } from '../../electron/common/ipc';

test.describe('app shell', () => {
  test('shows the real keychain status in the banner', async ({ app }) => {
    const banner = app.page.getByTestId('keychain-banner');
    await expect(banner).toHaveAttribute('data-usable', 'true');
    await expect(banner).toContainText('Secret Service');
  });

  test('navigates by keyboard to About and shows the app version from main', async ({ app }) => {
    const { page } = app;
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await page.getByRole('link', { name: 'About' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'About' })).toBeVisible();
    await expect(page.getByTestId('app-version')).toHaveText(/\d+\.\d+\.\d+/);
  });

  test('the page cannot reach Node or a generic IPC invoke', async ({ app }) => {
    const probe = await app.page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      invoke: typeof (window as unknown as { api: { invoke?: unknown } }).api.invoke,
      domains: Object.keys((window as unknown as { api: object }).api).sort(),
    }));
    // Exactly the registry's domains (plus `on`), nothing else.
    expect(probe).toEqual({
      require: 'undefined',
      process: 'undefined',
      invoke: 'undefined',
      domains: [...Object.keys(contract), 'on'].sort(),
    });
  });
});

test.describe('harness boundary', () => {
  test('refuses IPC from another origin, without the token, and for unknown channels', async ({ app }) => {
    test.skip(!app.harness, 'harness only');
    const h = app.harness!;
    const post = (path: string, headers: Record<string, string>) =>
      fetch(new URL(path, h.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const origin = new URL(h.url).origin;
    expect(
      (
        await post('/__ipc/cs:app:info', {
          origin: 'http://evil.example',
          'x-harness-token': h.token,
          'x-harness-frame': 'top',
        })
      ).status,
    ).toBe(403);
    expect(
      (await post('/__ipc/cs:app:info', { origin, 'x-harness-token': 'wrong', 'x-harness-frame': 'top' })).status,
    ).toBe(403);
    const unknown = await post('/__ipc/cs:nope:x', { origin, 'x-harness-token': h.token, 'x-harness-frame': 'top' });
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'IPC_UNKNOWN_CHANNEL' } });
    const sub = await post('/__ipc/cs:app:info', {
      origin,
      referer: h.url,
      'x-harness-token': h.token,
      'x-harness-frame': 'sub',
    });
    expect(await sub.json()).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
  });

  test('the page runs under a CSP that blocks inline script', async ({ app }) => {
    test.skip(!app.harness, 'harness only');
    const blocked = await app.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(blocked).toBe(false);
  });
});
