import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AppError } from '../../common/errors';
import { controlledEnv, isEnvName } from './env';
import { HostErrorCode } from './errors';
import type { DeploymentHost, HostFileStat, RunOptions, RunResult, WriteOptions } from './host';
import { DEFAULT_READ_CAP, DEFAULT_RUN_TIMEOUT_MS, keptName } from './defaults';
import { locationLabel } from './location';
import { parseStat, scriptError, tooLarge } from './remote-results';
import {
  LIST_SCRIPT,
  READ_SCRIPT,
  RUN_SCRIPT,
  SCRIPT_NAME,
  ScriptExit,
  STAT_SCRIPT,
  WRITE_SCRIPT,
} from './remote-scripts';
import { spawnCapture, toRunResult, type Captured } from './spawn-capture';
import { sshControlArgv, sshRunArgv, type SshClientOptions, type SshLocation } from './ssh-argv';
import { classifySshFailure, sshFailureError } from './ssh-failure';

/**
 * The DeploymentHost of a deployment on a server, over the admin's own OpenSSH client (as VS Code
 * Remote-SSH, git and Ansible do): ~/.ssh/config, ssh-agent and known_hosts apply. One multiplexed
 * connection per deployment (ControlMaster) serves every run; close() ends it.
 */

export interface SshHostOptions {
  /** The app's home: control sockets live in `<home>/ssh` (0700). */
  home: string;
  /** The environment ssh starts from (ssh-agent's SSH_AUTH_SOCK, HOME), minus the profile's names. */
  env?: NodeJS.ProcessEnv;
  /** The stack profile's variable names: unset in every remote command's environment too. */
  profileNames?: readonly string[];
  ssh?: SshClientOptions;
  clock?: () => Date;
}

/** File operations are small; a file-op timeout says the connection hangs. */
const FILE_OP_TIMEOUT_MS = 60_000;
const LIST_CAP = 4 * 1024 * 1024;

export class SshHost implements DeploymentHost {
  readonly label: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly profileNames: readonly string[];
  private readonly client: SshClientOptions;
  private readonly clock: () => Date;
  private controlDirReady: Promise<void> | null = null;

  constructor(
    readonly location: SshLocation,
    private readonly options: SshHostOptions,
  ) {
    this.label = locationLabel(location);
    this.profileNames = (options.profileNames ?? []).filter(isEnvName);
    this.env = controlledEnv(options.env ?? process.env, this.profileNames);
    this.client = options.ssh ?? {};
    this.clock = options.clock ?? (() => new Date());
  }

  /** The folder of the control sockets: created 0700, and refused if it is a link or not ours. */
  private ensureControlDir(): Promise<void> {
    this.controlDirReady ??= (async () => {
      const dir = join(this.options.home, 'ssh');
      await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
      const st = await fsp.lstat(dir);
      if (!st.isDirectory() || (process.getuid !== undefined && st.uid !== process.getuid())) {
        throw new AppError(
          HostErrorCode.SshSetup,
          `${dir} is not a folder of yours; the app keeps its SSH connections there. Remove it and try again.`,
        );
      }
      if ((st.mode & 0o077) !== 0) await fsp.chmod(dir, 0o700);
    })().catch((e: unknown) => {
      this.controlDirReady = null;
      throw e instanceof AppError
        ? e
        : new AppError(
            HostErrorCode.SshSetup,
            `Could not prepare ${join(this.options.home, 'ssh')} for SSH connections (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
          );
    });
    return this.controlDirReady;
  }

  /** Runs `remoteArgv` over ssh; a transport failure is thrown, the command's own status returned. */
  private async ssh(
    remoteArgv: readonly string[],
    opts: {
      stdin?: string | Buffer;
      timeoutMs: number;
      stdoutCap?: number;
      stdoutKeep?: 'head' | 'tail';
      stdoutFile?: string;
      stdoutEncryptTo?: string;
    },
  ): Promise<Captured> {
    await this.ensureControlDir();
    const sshPath = this.client.sshPath ?? 'ssh';
    const r = await spawnCapture(sshPath, sshRunArgv(this.location, this.options.home, this.client, remoteArgv), {
      env: this.env,
      ...opts,
    });
    if (r.spawnError !== null) {
      throw new AppError(
        HostErrorCode.SshSetup,
        `The OpenSSH client (${sshPath}) could not be started (${r.spawnError}). Install it (openssh-client on Debian and Ubuntu) and try again.`,
      );
    }
    const stderr = r.stderr.toString('utf8');
    const silent255 = r.code === 255 && stderr.trim() === '' && !(await this.masterAlive());
    const kind = classifySshFailure(r.code, stderr) ?? (silent255 ? 'lost' : null);
    if (kind !== null)
      throw await sshFailureError(kind, stderr, this.location, {
        ...this.client,
        home: this.options.home,
        env: this.env,
      });
    return r;
  }

  /**
   * A mux client whose master died exits 255 without a word, as a remote command exiting 255 silently
   * would; asking the master (`ssh -O check`) tells the two apart.
   */
  private async masterAlive(): Promise<boolean> {
    const argv = sshControlArgv(this.location, this.options.home, this.client, 'check');
    return (await spawnCapture(this.client.sshPath ?? 'ssh', argv, { env: this.env, timeoutMs: 10_000 })).code === 0;
  }

  private abs(path: string): string {
    return posix.resolve(this.location.path, path);
  }

  /**
   * Runs argv on the server in the deployment folder (or `options.cwd`), with the profile's variables and
   * every ROUNDTABLE_* unset there too. `options.env` values travel in the command line (visible in `ps`),
   * so they may never be secrets; stdin is the way for those. A timeout ends the local ssh client, which
   * closes the session; a command that ignores its closed pipes may run on.
   * @throws AppError HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, HOST_AUTH_FAILED, HOST_UNREACHABLE,
   *   HOST_CONNECTION_LOST, HOST_SSH_FAILED, HOST_SSH_SETUP — never for the command's own exit status
   */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0 || argv[0] === '') return { code: 127, stdout: '', stderr: 'no command given\n' };
    const exports = Object.entries(options.env ?? {}).map(([k, v]) => {
      if (!isEnvName(k))
        throw new AppError(HostErrorCode.SshFailed, `"${k}" is not a valid environment variable name.`);
      return `${k}=${v}`;
    });
    const remote = [
      'sh',
      '-c',
      RUN_SCRIPT,
      SCRIPT_NAME,
      this.abs(options.cwd ?? this.location.path),
      ...this.profileNames,
      '--',
      ...exports,
      '--',
      ...argv,
    ];
    const r = await this.ssh(remote, {
      stdin: options.stdin,
      timeoutMs: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
      stdoutFile: options.stdoutFile,
      stdoutEncryptTo: options.stdoutEncryptTo,
    });
    return toRunResult(r);
  }

  /** @throws AppError HOST_FILE_NOT_FOUND, HOST_NOT_A_FILE, HOST_FILE_TOO_LARGE, HOST_READ_FAILED, HOST_* transport errors */
  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const cap = options.maxBytes ?? DEFAULT_READ_CAP;
    const p = this.abs(path);
    const r = await this.ssh(['sh', '-c', READ_SCRIPT, SCRIPT_NAME, p, String(cap)], {
      timeoutMs: FILE_OP_TIMEOUT_MS,
      stdoutCap: cap + 1,
      stdoutKeep: 'head',
    });
    if (r.code === 0) {
      if (r.stdout.length > cap) throw tooLarge(p, cap);
      return r.stdout;
    }
    if (r.code === ScriptExit.TooLarge) throw tooLarge(p, cap);
    throw scriptError(r, p, this.label, 'read');
  }

  /** @throws AppError HOST_READ_FAILED, HOST_* transport errors */
  async stat(path: string): Promise<HostFileStat | null> {
    const p = this.abs(path);
    const r = await this.ssh(['sh', '-c', STAT_SCRIPT, SCRIPT_NAME, p], { timeoutMs: FILE_OP_TIMEOUT_MS });
    if (r.code === ScriptExit.NotFound) return null;
    if (r.code !== 0) throw scriptError(r, p, this.label, 'read');
    return parseStat(r.stdout.toString('utf8'), p);
  }

  /** @throws AppError HOST_FILE_NOT_FOUND, HOST_NOT_A_FOLDER, HOST_READ_FAILED, HOST_* transport errors */
  async list(dir: string): Promise<string[]> {
    const p = this.abs(dir);
    const r = await this.ssh(['sh', '-c', LIST_SCRIPT, SCRIPT_NAME, p], {
      timeoutMs: FILE_OP_TIMEOUT_MS,
      stdoutCap: LIST_CAP,
      stdoutKeep: 'head',
    });
    if (r.code === ScriptExit.NotFound)
      throw new AppError(HostErrorCode.FileNotFound, `The folder ${p} does not exist on ${this.label}.`);
    if (r.code === ScriptExit.Folder)
      throw new AppError(HostErrorCode.NotAFolder, `${p} on ${this.label} is not a folder.`);
    if (r.code !== 0) throw scriptError(r, p, this.label, 'read');
    return r.stdout
      .toString('utf8')
      .split('\0')
      .filter((n) => n !== '')
      .sort();
  }

  /**
   * Atomic on the server (see WRITE_SCRIPT): the content and its hashes travel on stdin, never in argv.
   * @throws AppError HOST_FILE_CHANGED, HOST_NOT_A_FILE, HOST_WRITE_FAILED, HOST_* transport errors
   */
  async writeFileAtomic(
    path: string,
    data: string | Buffer,
    options: WriteOptions = {},
  ): Promise<{ previousKeptAs: string | null }> {
    const p = this.abs(path);
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const mode = options.mode ?? 0o600;
    const expect =
      options.expectedSha256 === undefined
        ? '-'
        : options.expectedSha256 === null
          ? 'absent'
          : options.expectedSha256.toLowerCase();
    if (expect !== '-' && expect !== 'absent' && !/^[0-9a-f]{64}$/.test(expect))
      throw new AppError(HostErrorCode.WriteFailed, 'expectedSha256 is not a SHA-256 in hex.');
    const keep = options.keepPreviousIn != null ? this.abs(options.keepPreviousIn) : '';
    const sum = createHash('sha256').update(body).digest('hex');
    const args = [p, (mode & 0o7777).toString(8), keep, String(body.length), keptName(posix.basename(p), this.clock())];
    const r = await this.ssh(['sh', '-c', WRITE_SCRIPT, SCRIPT_NAME, ...args], {
      stdin: Buffer.concat([Buffer.from(`${expect}\n${sum}\n`), body]),
      timeoutMs: DEFAULT_RUN_TIMEOUT_MS,
    });
    if (r.code === 0) {
      const kept = r.stdout.toString('utf8');
      return { previousKeptAs: kept === '' ? null : kept };
    }
    throw scriptError(r, p, this.label, 'write', keep);
  }

  /** Ends the shared connection (`ssh -O exit`); nothing to end is fine. */
  async close(): Promise<void> {
    if (this.controlDirReady === null) return;
    await spawnCapture(
      this.client.sshPath ?? 'ssh',
      sshControlArgv(this.location, this.options.home, this.client, 'exit'),
      {
        env: this.env,
        timeoutMs: 10_000,
      },
    );
  }
}
