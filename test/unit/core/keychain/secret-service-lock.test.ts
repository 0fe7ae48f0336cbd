import { describe, expect, it } from 'vitest';
import {
  gdbusLockCheck,
  LOCKED_ARGS,
  MONITOR_ARGS,
  parseLockedReply,
  type LockCheck,
  type RunFn,
  type WatchFn,
} from '../../../../electron/core/keychain/secret-service-lock';
import { KeytarKeychain, type KeytarModule } from '../../../../electron/core/keychain/keytar-keychain';

/**
 * The caching rules of the D-Bus lock check, with gdbus replaced by scripted answers (the real gnome-keyring,
 * locked and unlocked, is exercised by test/integration/keychain/secrets-keyring.test.ts).
 */
function scripted(answers: string[]) {
  const calls: string[][] = [];
  let emit: ((line: string) => void) | null = null;
  let exit: (() => void) | null = null;
  let watches = 0;
  const run: RunFn = (file, args) => {
    calls.push([file, ...args]);
    const a = answers.shift();
    return a === undefined ? Promise.reject(new Error('no answer')) : Promise.resolve(a);
  };
  const watch: WatchFn = (file, args, onLine, onExit) => {
    expect([file, ...args]).toEqual(['gdbus', ...MONITOR_ARGS]);
    watches++;
    emit = onLine;
    exit = onExit;
    queueMicrotask(() => {
      onLine('Monitoring signals from all objects owned by org.freedesktop.secrets');
      onLine('The name org.freedesktop.secrets is owned by :1.0');
    });
    return { stop: () => undefined };
  };
  return { run, watch, calls, emit: (l: string) => emit?.(l), exit: () => exit?.(), watches: () => watches };
}

describe('parseLockedReply', () => {
  it('reads gdbus’s boolean variant and nothing else', () => {
    expect(parseLockedReply('(<false>,)\n')).toBe(false);
    expect(parseLockedReply('(<true>,)\n')).toBe(true);
    expect(parseLockedReply('Error: GDBus.Error:org.freedesktop.DBus.Error.UnknownMethod')).toBeNull();
    expect(parseLockedReply('')).toBeNull();
  });
});

describe('gdbusLockCheck', () => {
  it('asks D-Bus once while the monitor reports nothing, and again after a lock signal', async () => {
    const s = scripted(['(<false>,)\n', '(<true>,)\n']);
    const check = gdbusLockCheck(s.run, s.watch);
    expect(await check.isLocked()).toBe(false);
    expect(await check.isLocked()).toBe(false);
    expect(s.calls).toEqual([['gdbus', ...LOCKED_ARGS]]);
    // Item signals (every set/delete emits one) do not change the lock state.
    s.emit(
      "/org/freedesktop/secrets/collection/login: org.freedesktop.Secret.Collection.ItemCreated (objectpath '/x/1',)",
    );
    expect(await check.isLocked()).toBe(false);
    expect(s.calls).toHaveLength(1);
    s.emit(
      "/org/freedesktop/secrets/collection/login: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.Secret.Collection', {'Locked': <true>}, @as [])",
    );
    expect(await check.isLocked()).toBe(true);
    expect(s.calls).toHaveLength(2);
  });

  it('never caches a locked answer, so an unlock is seen at once', async () => {
    const s = scripted(['(<true>,)', '(<false>,)']);
    const check = gdbusLockCheck(s.run, s.watch);
    expect(await check.isLocked()).toBe(true);
    expect(await check.isLocked()).toBe(false);
    expect(s.calls).toHaveLength(2);
  });

  it('forgets the answer on invalidate() and when the monitor ends', async () => {
    const s = scripted(['(<false>,)', '(<false>,)', '(<false>,)']);
    const check = gdbusLockCheck(s.run, s.watch);
    await check.isLocked();
    check.invalidate();
    await check.isLocked();
    expect(s.calls).toHaveLength(2);
    s.exit();
    await check.isLocked();
    expect(s.calls).toHaveLength(3);
    expect(s.watches()).toBe(2);
  });

  it('answers null (cannot tell) when gdbus fails or cannot start', async () => {
    const failing = scripted([]);
    expect(await gdbusLockCheck(failing.run, failing.watch).isLocked()).toBeNull();
    let starts = 0;
    const noGdbus: WatchFn = (_f, _a, _l, onExit) => {
      starts++;
      queueMicrotask(onExit);
      return { stop: () => undefined };
    };
    const check = gdbusLockCheck(() => Promise.reject(new Error('ENOENT')), noGdbus);
    expect(await check.isLocked()).toBeNull();
    expect(await check.isLocked()).toBeNull();
    expect(starts).toBe(1);
  });
});

/** A keytar whose findCredentials crashes like the real one on a locked collection, and which counts writes. */
function fakeKeytar() {
  const writes: string[] = [];
  let locked = false;
  const keytar: KeytarModule = {
    getPassword: () => Promise.resolve(null),
    setPassword: (s) =>
      locked
        ? Promise.reject(new Error('Cannot create an item in a locked collection'))
        : (writes.push(`set ${s}`), Promise.resolve()),
    deletePassword: (s) => (writes.push(`delete ${s}`), Promise.resolve(true)),
    findCredentials: () => {
      if (locked) throw new Error('CRASH: findCredentials on a locked collection');
      return Promise.resolve([{ account: 'REDIS_PASSWORD', password: 'v' }]);
    },
  };
  return { keytar, writes, lock: () => (locked = true) };
}

const fixed = (answer: boolean | null): LockCheck & { asked: number } => {
  const c = { asked: 0, isLocked: () => (c.asked++, Promise.resolve(answer)), invalidate: () => undefined };
  return c;
};

describe('KeytarKeychain.list on Linux', () => {
  it('lists without any write when D-Bus says the collection is unlocked', async () => {
    const f = fakeKeytar();
    const check = fixed(false);
    const kc = new KeytarKeychain(f.keytar, 'linux', check);
    expect(await kc.list('crucible-secrets/x')).toEqual([{ account: 'REDIS_PASSWORD', value: 'v' }]);
    expect(f.writes).toEqual([]);
    expect(check.asked).toBe(1);
  });

  it('refuses with KEYCHAIN_LOCKED before findCredentials when D-Bus says locked', async () => {
    const f = fakeKeytar();
    f.lock();
    const kc = new KeytarKeychain(f.keytar, 'linux', fixed(true));
    await expect(kc.list('crucible-secrets/x')).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
  });

  it('falls back to the write probe when D-Bus cannot tell', async () => {
    const f = fakeKeytar();
    const kc = new KeytarKeychain(f.keytar, 'linux', fixed(null));
    await kc.list('crucible-secrets/x');
    expect(f.writes).toEqual(['set crucible-secrets/probe', 'delete crucible-secrets/probe']);
    f.lock();
    await expect(kc.list('crucible-secrets/x')).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
  });

  it('asks nothing on macOS and Windows, where findCredentials is safe', async () => {
    const f = fakeKeytar();
    const check = fixed(true);
    await new KeytarKeychain(f.keytar, 'darwin', check).list('s');
    expect(check.asked).toBe(0);
    expect(f.writes).toEqual([]);
  });
});
