import { unwrapApi, ApiError } from '../../electron/common/ipc/unwrap';
import type { Api, RawApi } from '../../electron/common/ipc';

declare global {
  interface Window {
    /** Exposed by the preload (or the test harness bridge); its type is derived from the IPC registry. */
    readonly api: RawApi;
  }
}

let cached: Api | undefined;

/** The typed API: calls resolve to values or reject with an ApiError carrying a code and a safe message. */
export function getApi(): Api {
  cached ??= unwrapApi(window.api);
  return cached;
}

/** For component tests: replace the API with a fake typed from the contract. */
export function setApiForTests(api: Api | undefined): void {
  cached = api;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Please try again.';
}

export { ApiError };
