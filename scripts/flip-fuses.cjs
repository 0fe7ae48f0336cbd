// electron-builder afterPack hook: disables Electron features a packaged secrets app must not have.
// https://www.electronjs.org/docs/latest/tutorial/fuses
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

exports.fuseConfig = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false, // ELECTRON_RUN_AS_NODE cannot turn the app into a Node shell
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false, // NODE_OPTIONS is ignored
  [FuseV1Options.EnableNodeCliInspectArguments]: false, // --inspect and friends are ignored
  [FuseV1Options.OnlyLoadAppFromAsar]: true, // no loading an unpacked app folder beside the binary
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true, // the asar archive is verified at start
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false, // we serve from app://, not file://
};

exports.default = async function flip(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  const binary =
    electronPlatformName === 'darwin'
      ? path.join(appOutDir, `${name}.app`)
      : electronPlatformName === 'win32'
        ? path.join(appOutDir, `${name}.exe`)
        : path.join(appOutDir, packager.executableName);
  await flipFuses(binary, {
    ...exports.fuseConfig,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' && context.arch === 3,
  });
};
