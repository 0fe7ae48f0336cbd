import type { ComposeService } from './model';
import type { ParsedComposeFile, ServiceFragment } from './parse-file';

/**
 * Merges the services of several compose files the way `docker compose -f a.yml -f b.yml` does (compose
 * spec "Merge"): scalars are replaced; `environment` is merged by variable name; `volumes` by container
 * path; `ports` are concatenated (identical entries once); `command`, `entrypoint` and the healthcheck
 * test are replaced whole. `!reset` clears a field and `!override` replaces it instead of merging.
 */
export function mergeComposeFiles(files: ParsedComposeFile[]): ComposeService[] {
  const byName = new Map<string, ComposeService>();
  for (const f of files) {
    for (const frag of f.services) {
      const prev = byName.get(frag.name);
      byName.set(frag.name, prev ? mergeService(prev, frag) : strip(frag));
    }
  }
  return [...byName.values()];
}

function strip(frag: ServiceFragment): ComposeService {
  const { tags, ...svc } = frag;
  if (tags.ports === 'reset') svc.ports = [];
  if (tags.environment === 'reset') svc.environment = new Map();
  if (tags.volumes === 'reset') svc.volumes = [];
  return svc;
}

function portKey(p: ComposeService['ports'][number]): string {
  return `${p.hostIp ?? '*'}|${p.published ?? '?'}|${p.target}|${p.protocol}`;
}

function mergeService(base: ComposeService, over: ServiceFragment): ComposeService {
  const t = over.tags;
  const out: ComposeService = {
    ...base,
    files: base.files.includes(over.source.file) ? base.files : [...base.files, over.source.file],
  };
  if (over.image) out.image = over.image;
  out.build = base.build || over.build;
  if (over.networkMode) out.networkMode = over.networkMode;
  if (over.restart !== undefined) out.restart = over.restart;
  if (over.envFiles.length > 0) out.envFiles = over.envFiles;

  if (t.ports === 'reset') out.ports = [];
  else if (t.ports === 'override') out.ports = over.ports;
  else if (over.ports.length > 0) {
    const seen = new Set(base.ports.map(portKey));
    out.ports = [...base.ports, ...over.ports.filter((p) => !seen.has(portKey(p)))];
  }

  if (t.environment === 'reset') out.environment = new Map();
  else if (t.environment === 'override') out.environment = over.environment;
  else if (over.environment.size > 0) out.environment = new Map([...base.environment, ...over.environment]);

  if (t.volumes === 'reset') out.volumes = [];
  else if (t.volumes === 'override') out.volumes = over.volumes;
  else if (over.volumes.length > 0) {
    const byTarget = new Map(base.volumes.map((v) => [v.target, v]));
    for (const v of over.volumes) byTarget.set(v.target, v);
    out.volumes = [...byTarget.values()];
  }

  for (const k of ['command', 'entrypoint', 'healthcheck'] as const) {
    if (t[k] === 'reset') out[k] = undefined;
    else if (over[k]) out[k] = over[k];
  }
  return out;
}
