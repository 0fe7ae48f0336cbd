// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, renderHook } from '@testing-library/react';
import { useAction } from '../../renderer/src/hooks';
import { ApiError } from '../../electron/common/ipc/api';

afterEach(cleanup);

function deferred<T>() {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useAction', () => {
  it('is busy while the action runs and hands back its value', async () => {
    const { result } = renderHook(() => useAction());
    const d = deferred<string>();
    let out: Promise<string | undefined> = Promise.resolve(undefined);
    act(() => {
      out = result.current.run(() => d.promise);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      d.resolve('done');
      await out;
    });
    expect(await out).toBe('done');
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('turns a failure into words (never the raw error) and clears it when run again', async () => {
    const { result } = renderHook(() => useAction());
    let out: string | undefined = 'unset';
    await act(async () => {
      out = await result.current.run(() =>
        Promise.reject(new ApiError('KEYCHAIN_LOCKED', 'The keychain is locked. Unlock it and try again.')),
      );
    });
    expect(out).toBeUndefined();
    expect(result.current.error).toBe('The keychain is locked. Unlock it and try again.');
    expect(result.current.busy).toBe(false);
    await act(async () => {
      await result.current.run(() => Promise.reject(new Error('ENOENT /home/admin/.env stack…')));
    });
    expect(result.current.error).toBe('Something went wrong. Please try again.');
    const d = deferred<number>();
    act(() => {
      void result.current.run(() => d.promise);
    });
    expect(result.current.error).toBeNull();
    await act(async () => {
      d.resolve(1);
      await d.promise;
    });
  });

  it('forgets an error once its cause changes, and keeps it while the cause stays', async () => {
    const { result, rerender } = renderHook(({ cause }) => useAction(cause), { initialProps: { cause: 'domain=a b' } });
    await act(async () => {
      await result.current.run(() =>
        Promise.reject(new ApiError('PROXY_BAD_DOMAIN', 'The domain name contains a space.')),
      );
    });
    rerender({ cause: 'domain=a b' });
    expect(result.current.error).toBe('The domain name contains a space.');
    rerender({ cause: 'domain=ab' });
    expect(result.current.error).toBeNull();
    act(() => {
      result.current.fail('Choose both files.');
    });
    expect(result.current.error).toBe('Choose both files.');
    act(() => {
      result.current.clearError();
    });
    expect(result.current.error).toBeNull();
  });
});
