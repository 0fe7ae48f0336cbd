import type { AppInfo } from '../../../common/ipc/app.ipc';
import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

function platformName(p: NodeJS.Platform): AppInfo['platform'] {
  return p === 'linux' || p === 'darwin' || p === 'win32' ? p : 'other';
}

export function appHandlers({ hostInfo }: HandlerDeps): Handlers['app'] {
  return {
    info: () =>
      Promise.resolve({
        name: hostInfo.name,
        version: hostInfo.version,
        platform: platformName(process.platform),
        arch: process.arch,
        host: hostInfo.host,
        versions: hostInfo.versions,
      }),
  };
}
