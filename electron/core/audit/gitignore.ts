/**
 * Whether a `.gitignore` ignores a file at the top of its folder, for folders that are not (yet) a git
 * repository. Inside a repository the audit asks git itself (`git check-ignore`). Supports what matters
 * for a top-level file: `#` comments, `!` negation (last match wins), leading `/`, `**` prefixes, `*`, `?`
 * and `[...]` classes, trailing-space trimming. Directory-only patterns (`foo/`) never match a file.
 */
export function gitignoreIgnores(text: string, name: string): boolean {
  let ignored = false;
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    if (line.endsWith('/')) continue;
    line = line.replace(/^\/+/, '').replace(/^(\*\*\/)+/, '');
    if (line.includes('/')) continue; // a path below the top level
    if (globToRegex(line).test(name)) ignored = !negate;
  }
  return ignored;
}

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += (glob[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
