import { composeProjectFromParsed } from '../compose/load';
import { parseComposeFile } from '../compose/parse-file';
import { redactDiff, type DiffSecrets } from '../compose/redact-diff';
import { receivers } from '../compose/service-env';
import { appendEnvironmentEntries, makeVolumeReadOnly, unifiedDiff } from '../compose/yaml-edit';
import type { MountedEnvReader } from '../stack/profile';
import type { CorsFix } from './cors-fix';
import type { ComposeFileFact } from './detect';

/**
 * `docker-compose.prod.yml` neither mounts `.env` into the api nor names ROUNDTABLE_ENVIRONMENT,
 * ROUNDTABLE_FRONTEND_URL or the rate-limit settings under `environment:`, so its api starts in local mode
 * whatever `.env` says (facts §14.1, docs/crucible.md "What each compose file passes"). Setup adds the missing
 * entries, each reading `.env` (`NAME=${NAME:?…}`: compose refuses to start rather than pass an empty value,
 * which pydantic would refuse for the flag and the numbers anyway), to the api and the worker of every compose
 * file in which a service defined there does not receive them (computed with compose/service-env.ts). The
 * edit is line-based and comment-preserving, re-read with the YAML parser, and previewed as a diff.
 */
export const PRODUCTION_ENV_VARIABLES = [
  'ROUNDTABLE_ENVIRONMENT',
  'ROUNDTABLE_FRONTEND_URL',
  'ROUNDTABLE_ENABLE_RATE_LIMITING',
  'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
  'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS',
] as const;
/** The services that run Crucible's settings (config.py) and so need production's values. */
export const PRODUCTION_ENV_SERVICES = ['api', 'worker'] as const;

export const entryFor = (name: string): string => `${name}=\${${name}:?set ${name} in .env}`;

/**
 * Services of one file (defined there with an image or a build) missing each variable; empty when the file's
 * api receives them all (then the file is not a production file in this sense and stays untouched).
 */
export function missingProductionEntries(
  file: ComposeFileFact,
  readers: readonly MountedEnvReader[],
): Map<string, string[]> {
  const probe = new Map<string, string>(PRODUCTION_ENV_VARIABLES.map((n) => [n, 'x']));
  const lookup = (n: string) => probe.get(n) ?? 'x';
  let project;
  try {
    project = composeProjectFromParsed('/deployment', [parseComposeFile(file.text, file.name, '/deployment', lookup)]);
  } catch {
    return new Map();
  }
  const map = receivers(project, probe, readers);
  const out = new Map<string, string[]>();
  for (const service of project.services) {
    if (
      !(PRODUCTION_ENV_SERVICES as readonly string[]).includes(service.name) ||
      (service.image === undefined && !service.build)
    )
      continue;
    const missing = PRODUCTION_ENV_VARIABLES.filter(
      (n) => !(map.get(n) ?? []).some((r) => r.service === service.name && r.effective && r.as === n),
    );
    if (missing.length > 0) out.set(service.name, missing);
  }
  // A file whose api reads .env anyway (docker-compose.yml mounts it) is left as it is.
  return out.has('api') ? out : new Map<string, string[]>();
}

export interface ComposeChange {
  file: string;
  services: string[];
  before: string;
  after: string;
  diff: string;
  /** What the change does, for the review. */
  adds: Array<{ service: string; variables: string[] }>;
}

/**
 * Setup's compose changes for each file: the CORS fix where applied, then the production entries. A file with
 * neither is left out.
 * @throws AppError COMPOSE_EDIT_FAILED when a file cannot be edited safely (the admin edits it by hand).
 */
/** The short-syntax bind mounts of the folder's `.env` that are writable, by service and position. */
function writableEnvMounts(text: string, file: string): Array<{ service: string; index: number }> {
  const folder = '/deployment';
  let parsed;
  try {
    parsed = parseComposeFile(text, file, folder, () => undefined);
  } catch {
    return [];
  }
  return parsed.services.flatMap((svc) =>
    svc.volumes
      .filter((v) => v.type === 'bind' && v.hostSource === `${folder}/.env` && !v.readOnly && !v.raw.startsWith('{'))
      .map((v) => ({ service: svc.name, index: v.index })),
  );
}

export function planSetupComposeChanges(
  files: readonly ComposeFileFact[],
  corsFixes: readonly CorsFix[],
  readers: readonly MountedEnvReader[],
  secrets: DiffSecrets = {},
): ComposeChange[] {
  const out: ComposeChange[] = [];
  for (const f of files) {
    const cors = corsFixes.find((c) => c.file === f.name);
    let after = cors?.after ?? f.text;
    const adds: ComposeChange['adds'] = [];
    for (const [service, variables] of missingProductionEntries({ ...f, text: after }, readers)) {
      after = appendEnvironmentEntries(after, service, variables.map(entryFor));
      adds.push({ service, variables });
    }
    // A writable `.env` mount lets a compromised container rewrite the host's secrets; Crucible only reads it.
    const readOnly: string[] = [];
    for (const m of writableEnvMounts(after, f.name)) {
      after = makeVolumeReadOnly(after, m.service, m.index);
      readOnly.push(m.service);
    }
    if (after === f.text) continue;
    const services = [...new Set([...(cors?.services ?? []), ...adds.map((a) => a.service), ...readOnly])];
    out.push({
      file: f.name,
      services,
      before: f.text,
      after,
      diff: redactDiff(unifiedDiff(f.name, f.text, after), secrets),
      adds,
    });
  }
  return out;
}
