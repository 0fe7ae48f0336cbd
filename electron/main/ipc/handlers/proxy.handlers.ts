import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';
import type { Environment } from '../../../common/model/deployment';
import type {
  ComposePreviewRequest,
  FirewallGuide,
  FirewallRequest,
  GeneratedFile,
  GenerateRequest,
  PickedRef,
  ProxyBundle,
} from '../../../common/ipc/proxy.ipc';
import { requireDeployment } from '../../../core/inventory/inventory';
import { generateProxyBundle, writeGeneratedFile } from '../../../core/proxy/generate';
import { readComposeFacts } from '../../../core/proxy/compose-facts';
import { firewallGuide } from '../../../core/proxy/firewall';
import { applyComposeChanges, planComposeChanges } from '../../../core/proxy/compose-changes';
import { previousVersionsFolder } from '../../../core/fs/previous-versions';
import { resolveAddress } from '../../../core/proxy/validate';
import { applyEnvFollowUps } from '../../../core/proxy/env-apply';
import { knownAddress } from '../../../core/proxy/known-address';
import type { FolderReader } from '../../../core/fs/folder-reader';
import { hostFolderReader } from '../../../core/host/folder-reader';
import { parseLocation } from '../../../core/host/location';
import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

type PickKind = 'folder' | 'certificate' | 'key';

/**
 * The `proxy` domain. Paths never come from the renderer: the deployment folder comes from the state or a
 * folder dialog, certificate files from an open dialog, and save targets from a save dialog, all opened
 * here. Saving and copying regenerate the file from the same request, so the renderer cannot choose what
 * is written.
 */
export function proxyHandlers({ core, platform }: HandlerDeps): Handlers['proxy'] {
  const picked = new Map<string, { path: string; kind: PickKind }>();
  const remember = (path: string, kind: PickKind): PickedRef => {
    const id = randomUUID();
    picked.set(id, { path, kind });
    return { id, name: basename(path) };
  };
  const pickedPath = (id: string, kind: PickKind): string => {
    const p = picked.get(id);
    if (p?.kind !== kind)
      throw new AppError('PROXY_UNKNOWN_CHOICE', `That ${kind} choice is no longer known; choose the ${kind} again.`);
    return p.path;
  };

  async function target(req: {
    deploymentId?: string;
    folderId?: string;
    environment?: Environment;
  }): Promise<{ folder: string | null; environment: Environment; composeFiles: readonly string[] }> {
    if (req.deploymentId !== undefined) {
      const d = requireDeployment(await core.store.read(), req.deploymentId);
      // The compose files the deployment runs with: the front door reads (and changes) exactly those.
      return { folder: d.folder, environment: d.environment, composeFiles: d.composeFiles };
    }
    return {
      folder: req.folderId === undefined ? null : pickedPath(req.folderId, 'folder'),
      environment: req.environment ?? 'production',
      composeFiles: [],
    };
  }

  /**
   * Runs `read` on the deployment's folder: a path here, or for a deployment on a server a reader of its
   * folder there (the admin's OpenSSH, closed afterwards), as the CLI's `proxy ssh://…` reads it.
   */
  async function fromFolder<T>(folder: string, read: (source: string | FolderReader) => Promise<T>): Promise<T> {
    if (!folder.startsWith('ssh://')) return read(folder);
    const loc = parseLocation(folder, '/');
    const host = core.openHost(loc);
    try {
      return await read(hostFolderReader(host, loc.path, folder));
    } finally {
      await host.close();
    }
  }

  async function generate(req: GenerateRequest): Promise<ProxyBundle> {
    const t = await target(req);
    const tls =
      req.tls.mode === 'files'
        ? {
            mode: 'files' as const,
            certPath: pickedPath(req.tls.certFileId, 'certificate'),
            keyPath: pickedPath(req.tls.keyFileId, 'key'),
          }
        : { mode: 'acme' as const, email: req.tls.email };
    const input = {
      server: req.server,
      domain: req.address.domain,
      publicUrl: req.address.publicUrl,
      environment: t.environment,
      tls,
      hsts: req.hsts,
      tuning: req.tuning,
    };
    const ctx = { folder: t.folder, composeFiles: t.composeFiles, now: core.clock() };
    const bundle =
      t.folder === null
        ? await generateProxyBundle(input, ctx)
        : await fromFolder(t.folder, (source) =>
            generateProxyBundle(input, typeof source === 'string' ? ctx : { ...ctx, reader: source }),
          );
    core.logger.info('proxy.generate', {
      server: bundle.server,
      origin: bundle.origin,
      environment: bundle.environment,
    });
    return bundle;
  }

  async function firewall(req: FirewallRequest): Promise<FirewallGuide> {
    const t = await target(req);
    const compose =
      t.folder === null ? null : await fromFolder(t.folder, (source) => readComposeFacts(source, t.composeFiles));
    return firewallGuide({
      sshPort: req.sshPort,
      externalInterface: req.externalInterface,
      publishedPorts: compose?.services.flatMap((s) => s.ports),
    });
  }

  async function fileFor(req: {
    generate?: GenerateRequest;
    firewall?: FirewallRequest;
    fileId: string;
  }): Promise<GeneratedFile> {
    if ((req.generate === undefined) === (req.firewall === undefined))
      throw new AppError('PROXY_BAD_FILE', 'Say which file: from the proxy configuration or from the firewall guide.');
    const files =
      req.generate !== undefined ? (await generate(req.generate)).files : (await firewall(req.firewall ?? {})).files;
    const f = files.find((x) => x.id === req.fileId);
    if (!f) throw new AppError('PROXY_BAD_FILE', `There is no generated file ${JSON.stringify(req.fileId)}.`);
    return f;
  }

  /** Previous versions of the files changed here: the deployment's own folder under the app home, else `proxy`. */
  function keepIn(req: ComposePreviewRequest): string {
    return previousVersionsFolder(core.paths.home, req.deploymentId ?? 'proxy');
  }

  async function composeTarget(
    req: ComposePreviewRequest,
  ): Promise<{ folder: string; origin: string; composeFiles: readonly string[] }> {
    const t = await target(req);
    if (t.folder === null)
      throw new AppError(
        'PROXY_NO_FOLDER',
        'Choose the deployment (or its folder) first: the compose files are read from it.',
      );
    if (t.folder.startsWith('ssh://'))
      throw new AppError(
        'PROXY_NO_FOLDER',
        `The compose and .env changes of a deployment on a server are applied where it runs: crucible-secrets proxy ${t.folder} --apply-compose --apply-env (see docs/cli.md).`,
      );
    return {
      folder: t.folder,
      origin: resolveAddress(req.address, t.environment).origin,
      composeFiles: t.composeFiles,
    };
  }

  return {
    pickFolder: async () => {
      const p = await platform.pickFolder('Choose the Crucible folder (with docker-compose.yml)');
      return p === null ? null : remember(p, 'folder');
    },
    pickCertificate: async ({ which }) => {
      const p = await platform.pickOpenFile(
        which === 'certificate' ? 'Choose the certificate (full chain, PEM)' : 'Choose the private key (PEM)',
        [{ name: 'PEM files', extensions: ['pem', 'crt', 'cer', 'key'] }],
      );
      return p === null ? null : remember(p, which);
    },
    generate,
    firewall,
    knownAddress: async (req) => {
      const t = await target(req);
      return t.folder === null ? { domain: null, from: null } : fromFolder(t.folder, knownAddress);
    },
    save: async (req) => {
      const f = await fileFor(req);
      const dest = await platform.pickSaveFile(`Save ${f.name}`, f.name);
      if (dest === null) return { saved: false, name: null };
      await writeGeneratedFile(dest, f.content);
      core.logger.info('proxy.save', { file: f.id });
      return { saved: true, name: basename(dest) };
    },
    copy: async (req) => {
      const f = await fileFor(req);
      platform.clipboard.writeText(f.content);
      return { copied: true };
    },
    composePreview: async (req) => {
      const { folder, origin, composeFiles } = await composeTarget(req);
      const plan = await planComposeChanges(folder, origin, core.profile, composeFiles);
      return {
        files: plan.files.map(({ file, changes, diff, token }) => ({ file, changes, diff, token })),
        notes: plan.notes,
      };
    },
    composeApply: async (req) => {
      const { folder, origin, composeFiles } = await composeTarget(req);
      const applied = await applyComposeChanges(folder, origin, req.tokens, keepIn(req), core.profile, composeFiles);
      core.logger.info('proxy.compose.apply', { files: applied.map((a) => a.file) });
      return {
        applied: applied.map((a) => ({
          file: a.file,
          backupName: a.backupPath === null ? null : basename(a.backupPath),
        })),
      };
    },
    envApply: async (req) => {
      const { folder, origin } = await composeTarget(req);
      const r = await applyEnvFollowUps(folder, origin, keepIn(req));
      core.logger.info('proxy.env.apply', { keys: r.changed });
      return r;
    },
  };
}
