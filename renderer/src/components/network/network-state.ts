import type { GenerateRequest, PickedRef, ProxyBundle } from '../../../../electron/common/ipc/proxy.ipc';
import type { DeploymentRef, Environment } from '../../../../electron/common/model/deployment';

export const ONE_YEAR_DAYS = 365;

/** The front-door form of the HTTPS & network page, and the bundle main generated from it. */
export interface NetworkState {
  /** The chosen deployment; '' for none or a folder; null until the admin chooses (the only deployment is preselected). */
  deploymentId: string | null;
  folder: PickedRef | null;
  environment: Environment;
  server: 'nginx' | 'caddy';
  domain: string;
  /** The variable of the deployment's `.env` the domain was filled in from; null once the admin types it. */
  domainFrom: string | null;
  tlsMode: 'acme' | 'files';
  email: string;
  cert: PickedRef | null;
  key: PickedRef | null;
  /** As typed: checked by main (at least a year), so a bad value gets main's explanation. */
  maxAgeDays: string;
  includeSubDomains: boolean;
  preload: boolean;
  /** The last bundle, with the request it was generated from (copy and save send that request again). */
  generated: { bundle: ProxyBundle; request: GenerateRequest } | null;
}

export type NetworkAction =
  | { type: 'deployment'; deploymentId: string }
  | { type: 'folderPicked'; folder: PickedRef }
  | { type: 'environment'; environment: Environment }
  | { type: 'server'; server: NetworkState['server'] }
  | { type: 'domain'; domain: string }
  /** What the chosen deployment's `.env` says its public domain is (main reads it; null when it names none). */
  | { type: 'knownDomain'; domain: string | null; from: string | null }
  | { type: 'tlsMode'; tlsMode: NetworkState['tlsMode'] }
  | { type: 'email'; email: string }
  | { type: 'filePicked'; which: 'certificate' | 'key'; file: PickedRef }
  | { type: 'maxAgeDays'; maxAgeDays: string }
  | { type: 'includeSubDomains'; on: boolean }
  | { type: 'preload'; on: boolean }
  | { type: 'generated'; bundle: ProxyBundle; request: GenerateRequest }
  | { type: 'generateFailed' };

export const initialNetworkState: NetworkState = {
  deploymentId: null,
  folder: null,
  environment: 'production',
  server: 'nginx',
  domain: '',
  domainFrom: null,
  tlsMode: 'acme',
  email: '',
  cert: null,
  key: null,
  maxAgeDays: String(ONE_YEAR_DAYS),
  includeSubDomains: false,
  preload: false,
  generated: null,
};

/** The next state of the page; pure, so every transition is unit-tested without a DOM. */
export function networkReducer(state: NetworkState, action: NetworkAction): NetworkState {
  switch (action.type) {
    case 'deployment':
      return { ...state, deploymentId: action.deploymentId };
    case 'folderPicked':
      // A folder replaces the chosen deployment (the select then names the folder).
      return { ...state, folder: action.folder, deploymentId: '' };
    case 'environment':
      return { ...state, environment: action.environment };
    case 'server':
      return { ...state, server: action.server };
    case 'domain':
      return { ...state, domain: action.domain, domainFrom: null };
    case 'knownDomain':
      // A domain the admin typed stays; an empty one, or one filled in for another deployment, follows the choice.
      if (state.domain !== '' && state.domainFrom === null) return state;
      return action.domain === null
        ? { ...state, domain: '', domainFrom: null }
        : { ...state, domain: action.domain, domainFrom: action.from };
    case 'tlsMode':
      return { ...state, tlsMode: action.tlsMode };
    case 'email':
      return { ...state, email: action.email };
    case 'filePicked':
      return action.which === 'certificate' ? { ...state, cert: action.file } : { ...state, key: action.file };
    case 'maxAgeDays':
      return { ...state, maxAgeDays: action.maxAgeDays };
    case 'includeSubDomains':
      // preload requires includeSubDomains (hstspreload.org refuses it otherwise).
      return { ...state, includeSubDomains: action.on, preload: action.on ? state.preload : false };
    case 'preload':
      return { ...state, preload: action.on && state.includeSubDomains };
    case 'generated':
      return { ...state, generated: { bundle: action.bundle, request: action.request } };
    case 'generateFailed':
      return { ...state, generated: null };
  }
}

/** The deployment the form is about: the one chosen, or the only one there is until the admin chooses. */
export function chosenDeploymentId(state: NetworkState, deployments: readonly DeploymentRef[]): string {
  if (state.deploymentId !== null) return state.deploymentId;
  return deployments.length === 1 && state.folder === null ? (deployments[0]?.id ?? '') : '';
}

/** What main should read compose facts from: a registered deployment, a picked folder, or nothing. */
export function targetOf(state: NetworkState, deploymentId: string): { deploymentId?: string; folderId?: string } {
  if (deploymentId !== '') return { deploymentId };
  return state.folder !== null ? { folderId: state.folder.id } : {};
}

/** A problem the form shows before asking main, or null. */
export function missingInput(state: NetworkState): string | null {
  if (state.tlsMode === 'files' && (state.cert === null || state.key === null)) {
    return "Choose both the certificate and the private key files, or use Let's Encrypt.";
  }
  return null;
}

/** The request main generates the bundle from; main validates every field and explains what is wrong. */
export function buildRequest(state: NetworkState, deploymentId: string): GenerateRequest {
  return {
    server: state.server,
    address: { domain: state.domain },
    // A registered deployment knows its environment; a folder or nothing needs it from the form.
    ...(deploymentId === '' ? { environment: state.environment } : {}),
    ...targetOf(state, deploymentId),
    tls:
      state.tlsMode === 'acme'
        ? { mode: 'acme', ...(state.email !== '' ? { email: state.email } : {}) }
        : { mode: 'files', certFileId: state.cert?.id ?? '', keyFileId: state.key?.id ?? '' },
    hsts: {
      maxAgeSeconds: Math.round(Number(state.maxAgeDays) * 86_400),
      includeSubDomains: state.includeSubDomains,
      preload: state.preload,
    },
  };
}
