import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { setupServiceFor } from '../../../core/setup/wiring';

/**
 * The setup wizard's channels. The folder comes from the OS dialog opened here (never from the renderer);
 * the generated password is copied by main, which clears the clipboard after 30 s.
 */
export function setupHandlers({ core, platform }: HandlerDeps): Handlers['setup'] {
  const setup = setupServiceFor(core, {
    emit: (progress) => {
      platform.emit('setupProgress', progress);
    },
  });
  return {
    begin: () => Promise.resolve(setup.begin()),
    summary: ({ draftId }) => Promise.resolve(setup.summary(draftId)),
    async chooseFolder({ draftId }) {
      setup.summary(draftId); // fails fast for an unknown draft, before any dialog opens
      const folder = await platform.pickFolder('Choose the folder of your Crucible checkout');
      return setup.chooseFolder(draftId, folder);
    },
    chooseServer: ({ draftId, location }) => setup.chooseFolder(draftId, location),
    setImport: ({ draftId, decisions }) => Promise.resolve(setup.setImport(draftId, decisions)),
    setEnvironment: ({ draftId, environment }) => Promise.resolve(setup.setEnvironment(draftId, environment)),
    setComposeFiles: ({ draftId, set }) => Promise.resolve(setup.setComposeFiles(draftId, { set })),
    setAddress: ({ draftId, frontendUrl, corsOrigins, applyCorsFix }) =>
      Promise.resolve(setup.setAddress(draftId, frontendUrl, corsOrigins, applyCorsFix)),
    revealGeneratedPassword: ({ draftId, regenerate }) =>
      Promise.resolve(setup.revealGeneratedPassword(draftId, regenerate)),
    copyGeneratedPassword({ draftId }) {
      const { clearsAt } = core.clipboardGuard.copy(platform.clipboard, setup.generatedPasswordForCopy(draftId));
      return Promise.resolve({ clearsAt: clearsAt.toISOString() });
    },
    setPassword: ({ draftId, mode, password, confirmation, stored }) =>
      setup.setPassword(draftId, mode, { password, confirmation, stored }),
    setSecrets: ({ draftId, providerKeys, clearProviderKeys }) =>
      Promise.resolve(setup.setSecrets(draftId, providerKeys, clearProviderKeys)),
    review: ({ draftId }) => setup.review(draftId),
    commit: ({ draftId }) => setup.commit(draftId),
    discard: ({ draftId }) => Promise.resolve({ discarded: setup.discard(draftId) }),
  };
}
