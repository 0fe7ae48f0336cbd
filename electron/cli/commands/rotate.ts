import { resolve } from 'node:path';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { toPlanView } from '../../core/rotation/playbooks';
import type { RotationView, StepView } from '../../common/ipc/rotation.ipc';
import { STEP } from '../../common/model/rotation-steps';
import type { CoreServices } from '../../core/services';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';
import { promptHidden, readStdinLine } from './secret-input';

const usage = `crucible-secrets rotate DIR VAR --dry-run [--json]
       crucible-secrets rotate DIR VAR [--yes] [--reason TEXT] [--value-stdin] [--done STEP]...
       crucible-secrets rotate DIR API_KEY_ENCRYPTION_KEY --yes --export FILE --sql-out FILE
       crucible-secrets rotate DIR VAR --confirm | --rollback [--run] [--export FILE --sql-out FILE]`;

export const rotateCommand: Command = {
  name: 'rotate',
  summary: 'Rotate a secret of a deployment with its guided, crash-safe playbook',
  usage: `${usage}

DIR is the folder of a registered deployment; VAR a variable of the stack profile.
  --dry-run        show the blast radius and the steps with their exact commands; change nothing
  (no flag)        start or resume the rotation: on a terminal, walk through the steps
  --yes            perform every step the app can perform itself (stage the new value in the keychain,
                   write .env, run docker commands when docker is here) and print the commands left to
                   you; the rotation stays pending until --confirm
  --done STEP      record that you ran STEP yourself (repeatable), e.g. --done alter-role
  --login-password-stdin
                   read the admin's login password from stdin, for the check of the running service
                   only: the login is tried and, after API_KEY_ENCRYPTION_KEY, every stored provider key
                   is read back through the API (a rotated login password is checked by itself)
  --value-stdin    read the new value from stdin (login password: optional; provider keys: required).
                   A login password the app generates is shown ONCE on stderr; only its bcrypt hash is
                   stored (keychain and .env)
  --export FILE    API_KEY_ENCRYPTION_KEY: the export made with the command --dry-run shows
                   (a JSON array of {"id", "provider_api_keys"}); implies you stopped the services
  --sql-out FILE   where the re-encryption SQL is written (one transaction, each row guarded)
  --confirm        the service is healthy: end the rotation and drop the previous value
  --rollback       put the previous value back in .env and the keychain; --run also runs the commands
                   that re-apply it (with --export/--sql-out after the SQL was applied: re-encrypt back)
The previous value stays in the keychain until --confirm, and running a rotation twice resumes it.

${VAULT_HELP}`,
  exitCodes: {
    0: 'done, or pending as planned',
    65: 'refused (the message says why)',
    69: 'the keychain is unavailable',
    75: 'a step the app ran failed: the rotation is paused (retry, --done STEP, or --rollback)',
  },
  aliases: { 'passphrase-stdin': 'vault-passphrase-stdin' },
  options: {
    json: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    confirm: { type: 'boolean' },
    rollback: { type: 'boolean' },
    run: { type: 'boolean' },
    reason: { type: 'string' },
    'value-stdin': { type: 'boolean' },
    'login-password-stdin': { type: 'boolean' },
    done: { type: 'string', multiple: true },
    export: { type: 'string' },
    'sql-out': { type: 'string' },
    ...VAULT_OPTIONS,
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir, variable] = positionals;
    if (dir === undefined || variable === undefined || positionals.length > 2)
      throw new UsageError(`expected DIR and VAR. Usage: ${usage}`);
    const modes = ['dry-run', 'confirm', 'rollback'].filter((m) => values[m] === true);
    if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} cannot be combined.`);
    const exportFile = typeof values.export === 'string' ? resolve(values.export) : undefined;
    const sqlOut = typeof values['sql-out'] === 'string' ? resolve(values['sql-out']) : undefined;
    if ((exportFile === undefined) !== (sqlOut === undefined))
      throw new UsageError('--export and --sql-out go together.');

    const core = io.core();
    const state = await core.store.read();
    const deployment = await deploymentForFolder(state, dir);
    const json = values.json === true;

    if (values['dry-run']) {
      const plan = toPlanView(await core.rotation.plan(deployment.id, variable, { exportFile, sqlFile: sqlOut }));
      if (json) writeJson(io, plan);
      else
        printPlan(
          io,
          plan.variable,
          plan.rotatable
            ? null
            : `${plan.notRotatableReason ?? ''}${plan.alternative ? ` Rotate ${plan.alternative} instead.` : ''}`,
          plan.blastRadius,
          plan.steps.map((s) => ({ ...s, state: 'todo' as const, failure: null, at: null, by: null, ready: false })),
          plan.verify,
        );
      return ExitCode.Ok;
    }

    await unlockVaultIfChosen(
      io,
      core,
      values,
      values['value-stdin'] === true ? '--value-stdin (the new value)' : undefined,
    );
    const pending = (await core.rotation.pending(deployment.id)).find((p) => p.variable === variable);

    if (values.confirm || values.rollback) {
      if (!pending) {
        io.stderr.write(`No unfinished rotation of ${variable} in ${deployment.name}.\n`);
        return ExitCode.DataErr;
      }
      if (values.confirm) {
        const v = await core.rotation.confirm(pending.id);
        if (json) writeJson(io, v);
        else
          io.stdout.write(
            `${variable}: rotation confirmed (generation ${v.generation}); the previous value was dropped.\n`,
          );
        return ExitCode.Ok;
      }
      const r = await core.rotation.rollback(pending.id, {
        runCommands: values.run === true,
        reverse: exportFile && sqlOut ? { exportFile, sqlFile: sqlOut } : undefined,
      });
      if (json) writeJson(io, r);
      else {
        io.stdout.write(`${variable}: rolled back; .env and the keychain hold the previous value again.\n`);
        if (r.commands.length > 0) {
          io.stdout.write(r.ran ? 'These commands were run:\n' : 'Run these commands so the services use it again:\n');
          for (const c of r.commands) io.stdout.write(`  ${c}\n`);
        }
        for (const o of r.output.filter((x) => x.code !== 0))
          io.stderr.write(`command failed (exit ${o.code}): ${o.command}\n${o.stderr}\n`);
      }
      return r.output.some((o) => o.code !== 0) ? ExitCode.Errors : ExitCode.Ok;
    }

    if (values['login-password-stdin'] && values['value-stdin'])
      throw new UsageError('--value-stdin and --login-password-stdin cannot share stdin.');
    let newValue: string | undefined;
    // For the service check only: the login is tried, and after an encryption-key rotation the stored keys read back.
    let loginPassword = values['login-password-stdin'] ? await readStdinLine(io) : undefined;
    if (values['value-stdin']) newValue = await readStdinLine(io);
    else if (!pending && io.stdin.isTTY && !values.yes) {
      const plan = await core.rotation.plan(deployment.id, variable);
      if (plan.input === 'required') newValue = await promptHidden(io, `New ${variable}: `);
    }
    let view = await core.rotation.start(deployment.id, variable, {
      reason: typeof values.reason === 'string' ? values.reason : undefined,
      newValue,
      exportFile,
      sqlFile: sqlOut,
    });
    if (!json)
      io.stdout.write(
        pending
          ? `Resuming the rotation of ${variable} started ${pending.startedAt}.\n`
          : `Rotation of ${variable} started; the new value is staged in the keychain.\n`,
      );
    if (view.newPasswordWaiting) {
      // A generated login password: only its bcrypt hash is stored, so this is the one time it is shown.
      // On stderr only (stdout may be a log or a pipe), as `init` does.
      const { password } = await core.rotation.revealNewPassword(view.id);
      io.stderr.write(
        `\nNew login password (shown once — store it in your password manager now; only its bcrypt hash is kept):\n\n    ${password}\n\n`,
      );
      view = { ...view, newPasswordWaiting: false };
      // Kept in memory for this run's service check, which logs in with it once the api is recreated.
      loginPassword ??= password;
    }
    if (view.playbook === 'community-password' && newValue !== undefined) loginPassword ??= newValue;

    const done = [...((values.done as string[] | undefined) ?? [])];
    // An export given on the command line means the services were stopped and the export made.
    if (exportFile && view.playbook === 'encryption-key-reencrypt') done.push(STEP.stop, STEP.export);
    for (const stepId of done) {
      const s = view.steps.find((x) => x.id === stepId);
      if (s && s.state !== 'done' && s.kind !== 'app') view = await core.rotation.tick(view.id, stepId);
    }

    const interactive = io.stdin.isTTY === true && !values.yes && !json;
    view = await walk(io, core, view, { yes: values.yes === true, interactive, json, loginPassword });
    const failed = view.steps.find((s) => s.state === 'failed');
    if (json) writeJson(io, view);
    else if (failed) {
      printPlan(io, variable, null, view.blastRadius, view.steps, view.verify);
      io.stderr.write(stepFailedText(dir, variable, failed));
    } else {
      printPlan(io, variable, null, view.blastRadius, view.steps, view.verify);
      io.stdout.write(
        view.status === 'confirmed'
          ? 'Rotation confirmed.\n'
          : `\nThe rotation stays pending; the previous value is kept in the keychain.\nWhen the service is healthy: crucible-secrets rotate ${dir} ${variable} --confirm\nTo undo:                    crucible-secrets rotate ${dir} ${variable} --rollback\n`,
      );
    }
    return failed ? ExitCode.StepFailed : ExitCode.Ok;
  },
};

/** A failed step in words, and the three ways on: retry, done by hand, roll back. */
function stepFailedText(dir: string, variable: string, s: StepView): string {
  const f = s.failure;
  return [
    `\nStep "${s.title}" failed${f ? ` (exit ${f.exitCode})` : ''}: ${f?.summary ?? 'the command did not succeed.'}`,
    ...(f?.hint ? [`  ${f.hint}`] : []),
    'The rotation is paused; nothing after this step was done. Then either:',
    `  retry:              crucible-secrets rotate ${dir} ${variable} --yes`,
    `  you did it by hand: crucible-secrets rotate ${dir} ${variable} --yes --done ${s.id}`,
    `  roll back:          crucible-secrets rotate ${dir} ${variable} --rollback`,
    '',
  ].join('\n');
}

/** Performs what can be performed, in order; stops at the first step that waits for the admin. */
async function walk(
  io: CliIO,
  core: CoreServices,
  view: RotationView,
  o: { yes: boolean; interactive: boolean; json: boolean; loginPassword?: string },
): Promise<RotationView> {
  for (let guard = 0; guard < 40; guard++) {
    const next = view.steps.find((s) => s.state !== 'done' && s.ready && !(s.optional && s.kind === 'manual'));
    if (!next) return view;
    if (next.kind === 'app') {
      if (!o.yes && !o.interactive) return view;
      if (o.interactive && !(await ask(io, `${next.title}? [y/N] `))) return view;
      view = (await core.rotation.perform(view.id, next.id)).view;
      if (!o.json) io.stdout.write(`✓ ${next.title}\n`);
      continue;
    }
    if (
      next.kind === 'command' &&
      view.canRunCommands &&
      (o.yes || (o.interactive && (await ask(io, `Run \`${next.commands.join(' ; ')}\` now? [y/N] `))))
    ) {
      const r = await core.rotation.perform(
        view.id,
        next.id,
        next.id === STEP.verify && o.loginPassword !== undefined ? { loginPassword: o.loginPassword } : {},
      );
      for (const out of r.output)
        if (!o.json)
          io.stdout.write(
            `$ ${out.command}\n${out.stdout ? `${out.stdout}\n` : ''}${out.stderr ? `${out.stderr}\n` : ''}`,
          );
      view = r.view;
      if (!r.ok) return view;
      continue;
    }
    if (o.interactive) {
      io.stdout.write(`\n${next.title}\n  ${next.detail}\n${next.commands.map((c) => `  $ ${c}\n`).join('')}`);
      if (!(await ask(io, 'Done? [y/N] '))) return view;
      view = await core.rotation.tick(view.id, next.id);
      continue;
    }
    if (next.optional) {
      // Optional command steps (the backup) do not hold the walk up; they are printed below.
      const later = view.steps.find((s) => s.state !== 'done' && s.ready && !s.optional);
      if (!later || later.kind !== 'app') return view;
      view = (await core.rotation.perform(view.id, later.id)).view;
      if (!o.json) io.stdout.write(`✓ ${later.title}\n`);
      continue;
    }
    return view;
  }
  return view;
}

function ask(io: CliIO, question: string): Promise<boolean> {
  io.stderr.write(question);
  return new Promise((res) => {
    const onData = (chunk: Buffer | string) => {
      io.stdin.off('data', onData);
      io.stdin.pause();
      res(/^y(es)?$/i.test(String(chunk).trim()));
    };
    io.stdin.on('data', onData);
    io.stdin.resume();
  });
}

function printPlan(
  io: CliIO,
  variable: string,
  notRotatable: string | null,
  b: RotationView['blastRadius'],
  steps: StepView[],
  verify: string[],
): void {
  const w = (s: string) => io.stdout.write(s);
  w(`\n${variable}\n`);
  if (notRotatable) {
    w(`Not rotatable: ${notRotatable}\n`);
    return;
  }
  w(
    `Blast radius\n  recreated: ${b.servicesRecreated.join(', ') || 'none'}\n  users lose: ${b.usersLose}\n  downtime: ${b.downtime}\n\nSteps\n`,
  );
  steps.forEach((s, i) => {
    const mark = s.state === 'done' ? '[x]' : '[ ]';
    const who = s.kind === 'app' ? 'app' : s.kind === 'command' ? 'command' : 'you';
    w(`${mark} ${i + 1}. ${s.title} (${who}${s.optional ? ', optional' : ''}; step "${s.id}")\n     ${s.detail}\n`);
    for (const c of s.commands) w(`     $ ${c.split('\n').join('\n       ')}\n`);
  });
  if (verify.length > 0) w(`\nVerify\n${verify.map((v) => `  - ${v}\n`).join('')}`);
}
