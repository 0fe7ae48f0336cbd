import { useEffect } from 'react';
import { getApi } from '../../api';
import type { NetworkAction } from './network-state';

/**
 * Asks main what the chosen deployment's (or folder's) `.env` says its public domain is, each time the choice
 * changes, and hands it to the form (which keeps a domain the admin typed). Silent when it cannot be read.
 */
export function useKnownDomain(
  target: { deploymentId?: string; folderId?: string },
  dispatch: (a: NetworkAction) => void,
): void {
  const { deploymentId, folderId } = target;
  useEffect(() => {
    if (deploymentId === undefined && folderId === undefined) return;
    let live = true;
    getApi()
      .proxy.knownAddress({
        ...(deploymentId !== undefined ? { deploymentId } : {}),
        ...(folderId !== undefined ? { folderId } : {}),
      })
      .then(
        (k) => {
          if (live) dispatch({ type: 'knownDomain', domain: k.domain, from: k.from });
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [deploymentId, folderId, dispatch]);
}
