import type { AppInfo } from '../../../common/ipc/app.ipc';
import type { CoreServices } from '../../../core/services';
import type { PlatformBridge } from '../platform';

/** Facts about the host the renderer runs in: Electron, or the test harness. */
export interface HostInfo {
  host: AppInfo['host'];
  name: string;
  version: string;
  versions: AppInfo['versions'];
}

/** What every domain's handlers are built from. Kept Electron-free so the harness can provide it. */
export interface HandlerDeps {
  core: CoreServices;
  hostInfo: HostInfo;
  platform: PlatformBridge;
}
