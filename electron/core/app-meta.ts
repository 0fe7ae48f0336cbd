/** Name and version baked in at build time by esbuild/vite `define`; plain defaults when run unbundled (tests). */
declare const __APP_VERSION__: string | undefined;

export const APP_NAME = 'Crucible Secrets';
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
