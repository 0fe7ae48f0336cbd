/**
 * Paths of Crucible's api that the front door answers itself with 404 instead of passing on, and the
 * documentation section that says why. Shared by the nginx and Caddy renderers and by the proxy audit.
 *
 * - `/api/debug/…`: `GET /api/debug/settings/check` returns the first 8 and last 4 characters of every
 *   provider key a user stored (service/app/api/routers/debug_settings.py, line 115).
 * - `/openapi.json`, `/docs`, `/redoc`: production mode turns off `/docs` and `/redoc` but not the schema
 *   (service/app/main.py, lines 189–190), which lists every route, the debug one included. The generated
 *   front door sends these paths to the frontend anyway; denying them keeps that true when someone later
 *   routes `/` to the api.
 */

export const INTERNAL_PATHS_DOC = 'docs/crucible.md#endpoints-the-front-door-keeps-inside';

/** nginx `location` lines (matched against nginx's normalised URI, so `//`, `%64` and `/./` forms match too). */
export const NGINX_INTERNAL_LOCATIONS = [
  'location ^~ /api/debug/',
  'location = /api/debug',
  'location ~ ^/(openapi\\.json|docs|redoc)(/|$)',
] as const;

/** Caddy `path` matcher patterns (Caddy matches the decoded, case-insensitive path). */
export const CADDY_INTERNAL_PATHS = [
  '/api/debug',
  '/api/debug/*',
  '/openapi.json',
  '/docs',
  '/docs/*',
  '/redoc',
  '/redoc/*',
] as const;

/** What a request for one of these paths gets from the generated front door. */
export const INTERNAL_STATUS = 404;

/** Paths a check from outside should find closed (the manual verification step and the tests use them). */
export const INTERNAL_PROBES = ['/api/debug/settings/check', '/openapi.json'] as const;
