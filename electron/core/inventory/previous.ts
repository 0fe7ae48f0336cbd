import { posix } from 'node:path';
import { AppError } from '../../common/errors';
import type { DeploymentRef } from '../../common/model/deployment';
import { sha256 } from '../fs/atomic-write';
import {
  keepPreviousVersion,
  listPreviousVersions,
  previousVersionsFolder,
  readPreviousVersion,
  type PreviousVersion,
} from '../fs/previous-versions';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import type { Journal } from '../journal/journal';

/**
 * The previous versions of a deployment's files that the app replaced (fs/previous-versions.ts), listed and
 * put back. Putting one back is itself a replacement: the file as it is now is kept first, so it can be
 * undone the same way. Only the files the app writes can come back, and only into the deployment's folder.
 */

export interface PreviousVersionsDeps {
  home: string;
  deployment: (id: string) => Promise<DeploymentRef>;
  openHost: (location: Location) => DeploymentHost;
  journal: Pick<Journal, 'append'>;
  clock: () => Date;
}

export interface RestoredVersion {
  /** The file put back, e.g. `.env`. */
  file: string;
  /** Where the file as it was just before is now kept (null when there was none). */
  keptCurrentAs: string | null;
}

export interface PreviousVersions {
  list(deploymentId: string): Promise<PreviousVersion[]>;
  /**
   * Puts a kept version back in place, atomically, keeping the current file first.
   * @throws AppError PREVIOUS_NOT_FOUND, PREVIOUS_BAD_TARGET, HOST_* (nothing written)
   */
  restore(deploymentId: string, id: string): Promise<RestoredVersion>;
}

/** The files the app replaces: `.env`, `.gitignore` and compose files, by plain name inside the folder. */
function restorable(name: string): boolean {
  return name === '.env' || name === '.gitignore' || /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(name);
}

export function createPreviousVersions(deps: PreviousVersionsDeps): PreviousVersions {
  const folderOf = (id: string) => previousVersionsFolder(deps.home, id);
  return {
    list: async (deploymentId) => {
      await deps.deployment(deploymentId);
      return listPreviousVersions(folderOf(deploymentId));
    },

    async restore(deploymentId, id) {
      const d = await deps.deployment(deploymentId);
      const { version, bytes } = await readPreviousVersion(folderOf(deploymentId), id);
      if (!restorable(version.of))
        throw new AppError(
          'PREVIOUS_BAD_TARGET',
          `${version.of} is not a file the app puts back (only .env, .gitignore and compose files).`,
        );
      const location = parseLocation(d.folder, '/');
      const host = deps.openHost(location);
      try {
        const path = posix.join(location.path, version.of);
        const stat = await host.stat(path);
        if (stat !== null && stat.kind !== 'file')
          throw new AppError(
            'PREVIOUS_BAD_TARGET',
            `${version.of} in the deployment folder is not a regular file; nothing was written.`,
          );
        let current: Buffer | null = null;
        if (stat !== null) current = await host.readFile(path, { maxBytes: 4 * 1024 * 1024 });
        const keptCurrentAs =
          current === null ? null : await keepPreviousVersion(folderOf(deploymentId), version.of, current, deps.clock);
        // `.env` holds secrets: 0600 whatever it had. Other files keep their mode.
        const mode = version.of === '.env' ? 0o600 : (stat?.mode ?? 0o644);
        await host.writeFileAtomic(path, bytes, {
          mode,
          expectedSha256: current === null ? null : sha256(current),
          keepPreviousIn: null,
        });
        await deps.journal.append({
          type: 'file.restored',
          deploymentId,
          subject: version.of,
          details: { from: version.takenAt, currentKept: keptCurrentAs !== null },
        });
        return { file: version.of, keptCurrentAs };
      } finally {
        await host.close();
      }
    },
  };
}
