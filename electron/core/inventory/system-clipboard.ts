import { spawn, spawnSync } from 'node:child_process';
import { AppError } from '../../common/errors';
import type { ClipboardLike } from './clipboard-guard';

/**
 * The OS clipboard for the CLI (the app uses Electron's). The value goes to the tool on its stdin, never on
 * a command line where other users could see it in the process list.
 */
interface Tool {
  copy: [string, string[]];
  paste: [string, string[]];
}

function toolFor(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Tool | null {
  const has = (bin: string) =>
    spawnSync(platform === 'win32' ? 'where' : 'which', [bin], { stdio: 'ignore' }).status === 0;
  if (platform === 'darwin') return { copy: ['pbcopy', []], paste: ['pbpaste', []] };
  if (platform === 'win32')
    return { copy: ['clip', []], paste: ['powershell', ['-NoProfile', '-Command', 'Get-Clipboard -Raw']] };
  if (env.WAYLAND_DISPLAY && has('wl-copy')) return { copy: ['wl-copy', []], paste: ['wl-paste', ['--no-newline']] };
  if (env.DISPLAY && has('xclip'))
    return { copy: ['xclip', ['-selection', 'clipboard']], paste: ['xclip', ['-selection', 'clipboard', '-o']] };
  if (env.DISPLAY && has('xsel'))
    return { copy: ['xsel', ['--clipboard', '--input']], paste: ['xsel', ['--clipboard', '--output']] };
  return null;
}

function run(cmd: [string, string[]], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd[1], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    // xclip keeps running to serve the selection; it detaches once stdin closes, so do not wait for exit there.
    child.on('close', (code) =>
      code === 0 || input !== undefined ? resolve(out) : reject(new Error(`exit ${code ?? 'signal'}`)),
    );
    child.stdin.end(input ?? '');
    if (input !== undefined && cmd[0] === 'xclip') setTimeout(() => resolve(''), 200).unref();
  });
}

/**
 * @throws AppError CLIPBOARD_UNAVAILABLE when no clipboard tool is usable here (say what to install).
 */
export function systemClipboard(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ClipboardLike {
  const tool = toolFor(env, platform);
  if (!tool) {
    throw new AppError(
      'CLIPBOARD_UNAVAILABLE',
      'No clipboard is reachable from this terminal (no display, or no xclip/xsel/wl-clipboard). Install one of them, or use the app’s Secrets page.',
    );
  }
  return {
    writeText: (text) => {
      void run(tool.copy, text).catch(() => undefined);
    },
    readText: () => run(tool.paste),
  };
}
