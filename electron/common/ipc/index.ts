import type { z } from 'zod';
import type { ChannelDef, Envelope, EventDef } from './contract';
import { appChannels } from './app.ipc';
import { keychainChannels } from './keychain.ipc';
import { auditChannels } from './audit.ipc';
import { proxyChannels } from './proxy.ipc';
import { deploymentsChannels } from './deployments.ipc';
import { secretsChannels, secretsEvents } from './secrets.ipc';
import { setupChannels, setupEvents } from './setup.ipc';
import { backupChannels, backupEvents } from './backup.ipc';
import { incidentChannels } from './incident.ipc';
import { rotationChannels } from './rotation.ipc';
import { dumpsChannels } from './dumps.ipc';

/**
 * The registry: the allow-list of every channel and event. The preload, the router and the test harness
 * all read it; a channel that is not here does not exist.
 * To add a domain: write `<domain>.ipc.ts`, add it below, add its handlers in electron/main/ipc/handlers.
 */
export const contract = {
  app: appChannels,
  keychain: keychainChannels,
  audit: auditChannels,
  proxy: proxyChannels,
  deployments: deploymentsChannels,
  secrets: secretsChannels,
  setup: setupChannels,
  backup: backupChannels,
  incident: incidentChannels,
  rotation: rotationChannels,
  dumps: dumpsChannels,
} as const;

/** Main → renderer pushes. */
export const events = {
  ...setupEvents,
  ...backupEvents,
  ...secretsEvents,
} as const satisfies Record<string, EventDef>;

export type Contract = typeof contract;
export type Domain = keyof Contract;
export type Events = typeof events;

type ReqOf<C> = C extends ChannelDef<infer Req> ? z.input<Req> : never;
type ResOf<C> = C extends ChannelDef<z.ZodType, infer Res> ? z.output<Res> : never;

/** What the preload (and the harness bridge) expose as `window.api`: every call resolves to an envelope. */
export type RawApi = {
  [D in Domain]: {
    [V in keyof Contract[D]]: (request: ReqOf<Contract[D][V]>) => Promise<Envelope<ResOf<Contract[D][V]>>>;
  };
} & {
  on: { [E in keyof Events]: (listener: (payload: z.output<Events[E]['payload']>) => void) => () => void };
};

/** The renderer's view: calls resolve to the value or reject with an ApiError. */
export type Api = {
  [D in Domain]: { [V in keyof Contract[D]]: (request: ReqOf<Contract[D][V]>) => Promise<ResOf<Contract[D][V]>> };
} & { on: RawApi['on'] };

export interface RegisteredChannel {
  domain: string;
  verb: string;
  def: ChannelDef;
}

/** Every channel of the registry, flattened. */
export function listChannels(): RegisteredChannel[] {
  const out: RegisteredChannel[] = [];
  for (const [domain, verbs] of Object.entries(contract)) {
    for (const [verb, def] of Object.entries(verbs as Record<string, ChannelDef>)) out.push({ domain, verb, def });
  }
  return out;
}

export function listEvents(): Array<{ name: string; def: EventDef }> {
  return Object.entries(events as Record<string, EventDef>).map(([name, def]) => ({ name, def }));
}

export * from './contract';
