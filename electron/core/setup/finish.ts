import type { CommitResult } from '../../common/ipc/setup.ipc';
import type { Environment } from '../../common/model/deployment';
import type { FolderFacts } from './detect';
import { composeFileFlags } from '../compose/file-names';

/**
 * Step 9: how to apply what was written, and what is left to do. `docker compose up -d` recreates the
 * containers whose configuration changed; `docker compose restart` would keep the old environment
 * (crucible-facts.md §0.4, §8.5), so it is never suggested. The commands name exactly the recorded compose
 * files (`-f docker-compose.prod.yml` when the deployment runs with it; no `-f` for the default set).
 */
export function finishCommands(facts: FolderFacts, composeFiles: readonly string[]): CommitResult['commands'] {
  const compose = ['docker compose', ...composeFileFlags(composeFiles)].join(' ');
  const cmds: CommitResult['commands'] = [
    {
      command: `cd ${JSON.stringify(facts.folder)}`,
      why: 'Run the commands in the deployment folder, where compose finds .env.',
    },
    {
      command: `${compose} config --quiet`,
      why: 'Checks that compose reads the new .env and compose files without errors (prints nothing when all is well, and no values).',
    },
    {
      command: `${compose} up -d`,
      why: 'Creates or recreates the containers with the new values. Never use `docker compose restart`: it keeps the old environment.',
    },
  ];
  return cmds;
}

export function finishChecklist(input: {
  facts: FolderFacts;
  environment: Environment;
  corsFixed: boolean;
}): CommitResult['checklist'] {
  const list: CommitResult['checklist'] = [
    { id: 'secrets-in-keychain', text: 'Every secret is stored in the OS keychain.', done: true },
    {
      id: 'env-mode-0600',
      text: ".env is written with mode 0600 (only you can read it); the previous version is kept in the app's own folder, not beside it where git could pick it up.",
      done: true,
    },
    { id: 'env-gitignored', text: '.env is covered by .gitignore.', done: true },
    { id: 'login-password-hashed', text: 'The login password is stored as a bcrypt hash.', done: true },
    {
      id: 'cors-from-env',
      text: input.corsFixed
        ? 'The compose file takes ROUNDTABLE_CORS_ORIGINS from .env.'
        : 'The compose file still hard-codes ROUNDTABLE_CORS_ORIGINS=http://localhost:3000; change it to take the value from .env.',
      done: input.corsFixed,
    },
  ];
  if (input.facts.git.envTracked) {
    list.push({
      id: 'env-untracked',
      text: 'Remove .env from git: `git rm --cached .env`, then commit. The old values stay in the history: treat them as exposed.',
      done: false,
    });
  }
  if (input.environment !== 'development') {
    list.push({
      id: 'tls-proxy',
      text: 'Put a TLS reverse proxy in front of the frontend and the api (the HTTPS page generates one).',
      done: false,
    });
    list.push({
      id: 'ports-loopback',
      text: 'Bind the published ports 3000 and 8000 to 127.0.0.1 so only the proxy reaches them (the Audit page offers the fix).',
      done: false,
    });
  }
  list.push({
    id: 'first-backup',
    text: 'Make the first encrypted backup of the secrets and keep it off this machine.',
    done: false,
  });
  return list;
}
