// `npm run dev`: the renderer from Vite's dev server (hot reload) and the main/preload bundles, then
// Electron in development mode (devtools on, the dev-server origin trusted by the router).
import { spawn } from 'node:child_process';
import { createServer } from 'vite';

const server = await createServer({ configFile: 'vite.config.ts' });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
await new Promise((ok, fail) =>
  spawn(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' }).on('exit', (c) =>
    c === 0 ? ok() : fail(new Error('build failed')),
  ),
);
const electron = spawn('npx', ['electron', '.'], {
  stdio: 'inherit',
  env: { ...process.env, CRUCIBLE_DEV: '1', CRUCIBLE_DEV_URL: new URL(url).origin },
});
electron.on('exit', (code) => {
  void server.close();
  process.exit(code ?? 0);
});
