import { PassThrough } from 'node:stream';

/** In-memory stdout/stderr/stdin for calling runCli directly; read what it printed with out() and err(). */
export function cliIo(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env }, out: () => out, err: () => err };
}

/** runCli dependencies for commands that never need the keychain or state: a coreFactory that throws proves it. */
export const noCore = {
  coreFactory: (): never => {
    throw new Error('core not needed');
  },
};
