import { AppError, isAppError } from '../../common/errors';
import type { DeploymentRef } from '../../common/model/deployment';
import { discoverComposeFiles, listComposeFiles, readComposeText } from '../compose/load';
import { isComposeFileName } from '../compose/file-names';
import { localFolderReader, type FolderReader } from '../fs/folder-reader';
import type { DeploymentHost } from '../host/host';
import { hostFolderReader } from '../host/folder-reader';
import { parseLocation, type Location } from '../host/location';
import type { Journal } from '../journal/journal';
import type { StateStore } from '../store/state-store';
import { deploymentForFolder, requireDeployment } from './inventory';

/**
 * Changing the compose files a registered deployment runs with (issue 17): an admin who switches to
 * `docker-compose.prod.yml` records it here, and the audit, rotation, the front door and every printed
 * command follow. The files are checked where the deployment lives (this computer, or its server over SSH).
 */

export interface ComposeFilesDeps {
  store: StateStore;
  journal: Journal;
  /** Opens a server's host for an `ssh://` deployment (CoreServices.openHost). */
  openHost?: (location: Location) => DeploymentHost;
}

/**
 * Checks the names: plain compose file names (`docker-compose.prod.yml`, `compose.override.yaml`), each once.
 * @throws AppError DEPLOYMENT_COMPOSE_FILES naming the first bad entry.
 */
export function checkComposeFileNames(files: readonly string[]): string[] {
  const names = files.map((f) => f.trim().replace(/^\.\//, ''));
  if (names.length === 0)
    throw new AppError('DEPLOYMENT_COMPOSE_FILES', 'Name at least one compose file, e.g. docker-compose.prod.yml.');
  if (names.length > 20) throw new AppError('DEPLOYMENT_COMPOSE_FILES', 'Name at most 20 compose files.');
  for (const n of names) {
    // Only names in the deployment folder: a path could point compose (and the app) at files outside it.
    if (n.includes('/') || n.includes('\\') || !isComposeFileName(n))
      throw new AppError(
        'DEPLOYMENT_COMPOSE_FILES',
        `${JSON.stringify(n.slice(0, 80))} is not a compose file name in the deployment folder (such as docker-compose.yml or docker-compose.prod.yml). Name the files as they are in the folder.`,
      );
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw new AppError('DEPLOYMENT_COMPOSE_FILES', `${twice} is named twice. Name each compose file once.`);
  return names;
}

/**
 * The recorded compose files of the deployment registered at `dir` (a folder or `ssh://` location), for
 * commands that take a folder (the CLI's proxy and firewall); [] when it is not registered or the state
 * cannot be read, which keeps the folder-wide reading of an unregistered folder.
 */
export async function recordedComposeFilesFor(store: () => StateStore, dir: string): Promise<string[]> {
  try {
    return [...(await deploymentForFolder(await store().read(), dir)).composeFiles];
  } catch (e) {
    if (isAppError(e)) return [];
    throw e;
  }
}

/** Runs `use` with a reader of the deployment's folder: here, or on its server over one connection (closed after). */
async function withFolderReader<T>(
  deps: ComposeFilesDeps,
  d: DeploymentRef,
  use: (reader: FolderReader) => Promise<T>,
): Promise<T> {
  const loc = parseLocation(d.folder, '/');
  if (loc.kind !== 'ssh') return use(localFolderReader(d.folder, { gitBinary: null }));
  if (!deps.openHost)
    throw new AppError('DEPLOYMENT_COMPOSE_FILES', 'This build cannot reach deployments on a server.');
  const host = deps.openHost(loc);
  try {
    return await use(hostFolderReader(host, loc.path, loc.path));
  } finally {
    await host.close();
  }
}

/**
 * The recorded compose files of a deployment and every compose file its folder holds (to choose from).
 * @throws AppError DEPLOYMENT_UNKNOWN; HOST_* when the server cannot be reached.
 */
export async function deploymentComposeFiles(
  deps: ComposeFilesDeps,
  id: string,
): Promise<{ recorded: string[]; inFolder: string[] }> {
  const d = requireDeployment(await deps.store.read(), id);
  const inFolder = await withFolderReader(deps, d, (reader) => listComposeFiles(reader));
  return { recorded: [...d.composeFiles], inFolder };
}

/**
 * Records `files` as the compose files of deployment `id`, after checking each is a file in its folder (here,
 * or on its server). Journalled with the lists before and after; the state is written atomically by the store.
 * @throws AppError DEPLOYMENT_UNKNOWN; DEPLOYMENT_COMPOSE_FILES (a bad name); COMPOSE_NOT_FOUND (a file is not
 *   in the folder); HOST_* when the server cannot be reached; STATE_* / FS_* from the store.
 */
export async function setDeploymentComposeFiles(
  deps: ComposeFilesDeps,
  id: string,
  files: readonly string[],
): Promise<DeploymentRef> {
  const names = checkComposeFileNames(files);
  const d = requireDeployment(await deps.store.read(), id);
  // The same check compose does for `-f`: each named file must exist (COMPOSE_NOT_FOUND names the missing one).
  // Then each is read as the app reads it: a link (to a file outside the folder, say), a pipe or an oversized
  // file is refused now (COMPOSE_READ_FAILED, COMPOSE_TOO_LARGE), not recorded for every later read to fail.
  await withFolderReader(deps, d, async (reader) => {
    for (const f of await discoverComposeFiles(reader, { explicit: names })) await readComposeText(reader, f);
  });
  const before = [...d.composeFiles];
  const entry = {
    type: 'deployment.compose-files-changed' as const,
    deploymentId: id,
    subject: names.join(' ').slice(0, 200),
    details: { before, after: names },
  };
  // The usual journal refusals (a link in its place, no room) come before the state changes.
  await deps.journal.preflight([entry]);
  const updated = await deps.store.update((draft) => {
    const found = draft.deployments.find((x) => x.id === id);
    if (!found) throw new AppError('DEPLOYMENT_UNKNOWN', `No deployment with the id ${id} is registered.`);
    found.composeFiles = names;
    return { ...found, composeFiles: [...names] };
  });
  await deps.journal.append(entry);
  return updated;
}
