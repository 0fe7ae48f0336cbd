import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { chosenStoreStatus } from '../../../core/keychain/chosen-status';

export function keychainHandlers({ core }: HandlerDeps): Handlers['keychain'] {
  return {
    status: () => chosenStoreStatus(core.keychains, () => core.keychainDoctor.status(), core.clock),
    recheck: () => chosenStoreStatus(core.keychains, () => core.keychainDoctor.recheck(), core.clock),
  };
}
