import { z } from 'zod';
import { channel, req } from './contract';
import { Environment } from '../model/deployment';

/**
 * The `proxy` domain: the HTTPS front door (reverse-proxy configuration), firewall guidance and the
 * `.env` values that follow from the public origin. Nothing here is secret: configurations, commands and
 * origins only. The renderer never sends a path: certificate files and the deployment folder are picked
 * by main and referred to by ids.
 */

export const ONE_YEAR_SECONDS = 31_536_000;

export const ProxyServer = z.enum(['nginx', 'caddy']);
export type ProxyServer = z.infer<typeof ProxyServer>;

/** HSTS choices. `max-age` below one year is refused by the core with a clear message. */
export const HstsChoice = z.strictObject({
  maxAgeSeconds: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31 - 1)
    .default(ONE_YEAR_SECONDS),
  includeSubDomains: z.boolean().default(false),
  /** Never on by default: joining the browsers' preload list is hard to undo (see the generated notes). */
  preload: z.boolean().default(false),
});
export type HstsChoice = z.infer<typeof HstsChoice>;

/** Tuning shared by every server; shape only — the core checks ranges and explains. */
export const ProxyTuning = z.strictObject({
  /** Login attempts per minute per client address on `POST /api/auth/login`. */
  loginPerMinute: z.number().int().default(5),
  /** Attempts allowed in a quick burst before the limit answers 429. */
  loginBurst: z.number().int().default(5),
  /** Largest request body, in MiB (uploads go through /api). */
  maxBodyMb: z.number().int().default(25),
});
export type ProxyTuning = z.infer<typeof ProxyTuning>;

/** Where the front door is reached: a bare domain, or the full public https URL (exactly one). */
export const PublicAddress = z.strictObject({
  domain: z.string().max(300).optional(),
  publicUrl: z.string().max(300).optional(),
});

/** A file the app generated, shown with copy and save. */
export const GeneratedFile = z.object({
  id: z.string(),
  name: z.string(),
  language: z.enum(['nginx', 'caddyfile', 'shell', 'nftables', 'text']),
  description: z.string(),
  content: z.string(),
});
export type GeneratedFile = z.infer<typeof GeneratedFile>;

/** Something the app cannot do for the admin: DNS, certificates, firewall, installing the file. */
export const ManualStep = z.object({
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  commands: z.array(z.string()),
});
export type ManualStep = z.infer<typeof ManualStep>;

/** A `.env` value that must follow the public origin, and whether compose overrides it. */
export const EnvFollowUp = z.object({
  key: z.string(),
  value: z.string(),
  current: z.string().nullable(),
  note: z.string(),
  /** Compose sets this key itself in `environment:`; the `.env` value alone has no effect. */
  overriddenByCompose: z.boolean(),
  evidence: z.string().optional(),
});
export type EnvFollowUp = z.infer<typeof EnvFollowUp>;

export const ProxyBundle = z.object({
  server: ProxyServer,
  domain: z.string(),
  origin: z.string(),
  environment: Environment,
  hstsHeader: z.string(),
  files: z.array(GeneratedFile),
  manualSteps: z.array(ManualStep),
  envFollowUp: z.array(EnvFollowUp),
  warnings: z.array(z.string()),
});
export type ProxyBundle = z.infer<typeof ProxyBundle>;

export const PublishedPort = z.object({
  service: z.string(),
  file: z.string(),
  line: z.number().int().positive().optional(),
  raw: z.string(),
  hostIp: z.string().nullable(),
  published: z.string().nullable(),
  target: z.string(),
  /** True when no host address (or 0.0.0.0 / ::) is given: reachable on every interface, past ufw. */
  allInterfaces: z.boolean(),
});
export type PublishedPort = z.infer<typeof PublishedPort>;

export const FirewallGuide = z.object({
  sshPort: z.number().int(),
  files: z.array(GeneratedFile),
  dockerCaveat: z.string(),
  publishedPorts: z.array(PublishedPort),
});
export type FirewallGuide = z.infer<typeof FirewallGuide>;

/**
 * What the deployment's `.env` already says about its public address (non-secret settings only), for the
 * HTTPS page to prefill: the host name, and the variable it was read from; nulls when nothing is known.
 */
export const KnownAddress = z.object({ domain: z.string().nullable(), from: z.string().nullable() });
export type KnownAddress = z.infer<typeof KnownAddress>;

/** A file chosen in a main-process dialog, known to the renderer by id and base name only. */
export const PickedRef = z.object({ id: z.string(), name: z.string() });
export type PickedRef = z.infer<typeof PickedRef>;

export const TlsRequest = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('acme'), email: z.string().max(254).optional() }),
  z.strictObject({ mode: z.literal('files'), certFileId: z.string().max(64), keyFileId: z.string().max(64) }),
]);

export const GenerateRequest = req({
  server: ProxyServer,
  address: PublicAddress,
  /** Ignored for a registered deployment (its own environment applies); default production. */
  environment: Environment.optional(),
  tls: TlsRequest,
  hsts: HstsChoice.optional(),
  tuning: ProxyTuning.optional(),
  /** A registered deployment, or a folder picked with `pickFolder` (compose and `.env` are read from it). */
  deploymentId: z.string().max(64).optional(),
  folderId: z.string().max(64).optional(),
});
export type GenerateRequest = z.input<typeof GenerateRequest>;

export const FirewallRequest = req({
  sshPort: z.number().int().optional(),
  externalInterface: z.string().max(15).optional(),
  deploymentId: z.string().max(64).optional(),
  folderId: z.string().max(64).optional(),
});
export type FirewallRequest = z.input<typeof FirewallRequest>;

export const SaveRequest = req({
  /** What to save: the proxy configuration (regenerated in main from `generate`) or a firewall file. */
  generate: GenerateRequest.optional(),
  firewall: FirewallRequest.optional(),
  fileId: z.string().max(64),
});

export const SaveResult = z.object({ saved: z.boolean(), name: z.string().nullable() });

/** One compose file's front-door change: what changes, the diff shown before applying, and its token. */
export const ComposeChangeView = z.object({
  file: z.string(),
  changes: z.array(z.string()),
  diff: z.string(),
  token: z.string(),
});
export const ComposePreview = z.object({ files: z.array(ComposeChangeView), notes: z.array(z.string()) });
export type ComposePreview = z.infer<typeof ComposePreview>;

const composeTarget = {
  address: PublicAddress,
  environment: Environment.optional(),
  deploymentId: z.string().max(64).optional(),
  folderId: z.string().max(64).optional(),
};
export const ComposePreviewRequest = req(composeTarget);
export type ComposePreviewRequest = z.input<typeof ComposePreviewRequest>;
export const ComposeApplyRequest = req({
  ...composeTarget,
  tokens: z.record(z.string().max(255), z.string().max(128)),
});
export const ComposeApplied = z.object({
  applied: z.array(z.object({ file: z.string(), backupName: z.string().nullable() })),
});

export const proxyChannels = {
  pickFolder: channel('proxy', 'pickFolder', req({}), PickedRef.nullable()),
  pickCertificate: channel(
    'proxy',
    'pickCertificate',
    req({ which: z.enum(['certificate', 'key']) }),
    PickedRef.nullable(),
  ),
  generate: channel('proxy', 'generate', GenerateRequest, ProxyBundle),
  firewall: channel('proxy', 'firewall', FirewallRequest, FirewallGuide),
  /** The public domain the deployment's (or picked folder's) `.env` names, to prefill the form. */
  knownAddress: channel(
    'proxy',
    'knownAddress',
    req({ deploymentId: z.string().max(64).optional(), folderId: z.string().max(64).optional() }),
    KnownAddress,
  ),
  /** Saves a generated file where the admin chooses in a main-process save dialog. */
  save: channel('proxy', 'save', SaveRequest, SaveResult),
  /** Copies a generated file's text to the clipboard from main. */
  copy: channel('proxy', 'copy', SaveRequest, z.object({ copied: z.boolean() })),
  /** The compose changes that go with the front door, as diffs; nothing is written. */
  composePreview: channel('proxy', 'composePreview', ComposePreviewRequest, ComposePreview),
  /** Applies previewed compose changes (by token) with the comment-preserving editor. */
  composeApply: channel('proxy', 'composeApply', ComposeApplyRequest, ComposeApplied),
  /** Writes ROUNDTABLE_CORS_ORIGINS and ROUNDTABLE_FRONTEND_URL (the public origin) into the folder's `.env`. */
  envApply: channel(
    'proxy',
    'envApply',
    ComposePreviewRequest,
    z.object({ changed: z.array(z.string()), backupName: z.string().nullable() }),
  ),
};
