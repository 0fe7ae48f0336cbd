import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { stagingService } from '../../../electron/core/rotation/staging';
import { coreWithDeployment } from '../../helpers/core';

/**
 * The login-password playbook with the real bcrypt: `.env` gets a single-quoted `$2b$12$` hash that
 * Python's bcrypt (what Crucible uses) accepts for the new password, and the keychain holds exactly that
 * hash (one rule: the keychain holds the `.env` form); the plain password is never stored.
 */
describe('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD rotation', () => {
  it('writes a bcrypt hash Python accepts for the typed password; rollback restores the previous hash', async () => {
    const kc = new MemoryKeychain();
    const t = await coreWithDeployment({ keychain: kc });
    const oldHash = '$2b$12$' + 'a'.repeat(53);
    writeFileSync(join(t.folder, '.env'), `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${oldHash}'\n`);
    await kc.set(serviceFor(t.id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', oldHash);
    const password = 'New-login-pässword-42';
    let view = await t.core.rotation.start(t.id, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', {
      newValue: password,
      reason: 'test',
    });
    view = (await t.core.rotation.perform(view.id, 'write-env')).view;
    const line = readFileSync(join(t.folder, '.env'), 'utf8').trim();
    expect(line).toMatch(/^ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='\$2b\$12\$[./A-Za-z0-9]{53}'$/);
    const hash = line.slice(line.indexOf("'") + 1, -1);
    const ok = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import bcrypt,sys; print(bcrypt.checkpw(sys.argv[1].encode(), sys.argv[2].encode()))', password, hash],
      { encoding: 'utf8' },
    );
    expect(ok.trim()).toBe('True');
    expect(await kc.get(serviceFor(t.id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(hash);
    // Typed by the admin: nothing waits to be shown, and the plain password is in no keychain entry.
    expect(view.newPasswordWaiting).toBe(false);
    const entries = [...(await kc.list(serviceFor(t.id))), ...(await kc.list(stagingService(t.id, view.id)))];
    expect(entries.some((e) => e.value.includes(password))).toBe(false);
    expect(view.steps.find((s) => s.id === 'recreate')?.commands).toEqual(['docker compose up -d api']);
    await t.core.rotation.rollback(view.id);
    expect(readFileSync(join(t.folder, '.env'), 'utf8')).toBe(`ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${oldHash}'\n`);
    expect(await kc.get(serviceFor(t.id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(oldHash);
  });
});
