import type { Command } from '../command';
import { doctorCommand } from './doctor';
import { proxyCommand } from './proxy';
import { firewallCommand } from './firewall';
import { generateCommand } from './generate';
import { hashPasswordCommand } from './hash-password';
import { checkEnvCommand } from './check-env';
import { auditCommand } from './audit';
import { secretsCommands } from './secrets';
import { keychainUseCommand } from './keychain';
import { backupCommands } from './backup';
import { incidentCommands } from './incident';
import { initCommand } from './init';
import { rotateCommand } from './rotate';
import { verifyCommand } from './verify';
import { composeFilesCommand } from './compose-files';
import { dumpsCommands } from './dumps';

/** Every CLI command. Later features add theirs here (one file per command or command group). */
export const commands: Command[] = [
  doctorCommand,
  proxyCommand,
  firewallCommand,
  generateCommand,
  hashPasswordCommand,
  checkEnvCommand,
  auditCommand,
  ...secretsCommands,
  keychainUseCommand,
  ...backupCommands,
  ...incidentCommands,
  initCommand,
  rotateCommand,
  verifyCommand,
  composeFilesCommand,
  ...dumpsCommands,
];
