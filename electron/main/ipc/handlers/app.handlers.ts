import { AppError } from '../../../common/errors';
import type { AppInfo } from '../../../common/ipc/app.ipc';
import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

function platformName(p: NodeJS.Platform): AppInfo['platform'] {
  return p === 'linux' || p === 'darwin' || p === 'win32' ? p : 'other';
}

export function appHandlers({ hostInfo, core, platform }: HandlerDeps): Handlers['app'] {
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
    copyCommand: ({ text }) => {
      // Commands shown in the window hold names and paths, never values; one that does (a value this process
      // handled, or a secret's shape) is refused rather than left on the clipboard without a timer.
      if (core.logger.redactor.redact(text) !== text) {
        return Promise.reject(
          new AppError(
            'CLIPBOARD_SECRET_REFUSED',
            'That text holds a secret value, so it was not copied. Select and copy it by hand if you need it.',
          ),
        );
      }
      platform.clipboard.writeText(text);
      return Promise.resolve({ copied: true });
    },
  };
}
