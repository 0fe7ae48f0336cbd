/**
 * Error codes of the `host/` module. Transport codes (HOST_KEY_*, HOST_AUTH_FAILED, HOST_UNREACHABLE,
 * HOST_CONNECTION_LOST, HOST_SSH_FAILED) mean the command never ran or its outcome is unknown; a command
 * that ran and failed is a RunResult, not an error.
 */
export const HostErrorCode = {
  LocationInvalid: 'LOCATION_INVALID',
  FileNotFound: 'HOST_FILE_NOT_FOUND',
  NotAFile: 'HOST_NOT_A_FILE',
  NotAFolder: 'HOST_NOT_A_FOLDER',
  FileTooLarge: 'HOST_FILE_TOO_LARGE',
  FileChanged: 'HOST_FILE_CHANGED',
  ReadFailed: 'HOST_READ_FAILED',
  WriteFailed: 'HOST_WRITE_FAILED',
  KeyUnknown: 'HOST_KEY_UNKNOWN',
  KeyChanged: 'HOST_KEY_CHANGED',
  AuthFailed: 'HOST_AUTH_FAILED',
  Unreachable: 'HOST_UNREACHABLE',
  ConnectionLost: 'HOST_CONNECTION_LOST',
  SshFailed: 'HOST_SSH_FAILED',
  SshSetup: 'HOST_SSH_SETUP',
} as const;
export type HostErrorCode = (typeof HostErrorCode)[keyof typeof HostErrorCode];
