import type { Command } from '../command';
import { doctorCommand } from './doctor';

/** Every CLI command. Later features add theirs here (one file per command or command group). */
export const commands: Command[] = [doctorCommand];
