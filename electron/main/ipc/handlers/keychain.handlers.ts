import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

export function keychainHandlers({ core }: HandlerDeps): Handlers['keychain'] {
  return {
    status: () => core.keychainDoctor.status(),
    recheck: () => core.keychainDoctor.recheck(),
  };
}
