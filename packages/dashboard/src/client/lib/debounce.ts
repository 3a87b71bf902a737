/**
 * Runs `fn` with the latest arguments once calls stop for `waitMs` — or at least every `waitMs`
 * while they keep coming, so a long streamed answer still shows progress (seed 002 renders at ~50 ms).
 */
export function throttledDebounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const run = () => {
    timer = undefined;
    if (pending) {
      const args = pending;
      pending = undefined;
      fn(...args);
    }
  };
  const call = (...args: A) => {
    pending = args;
    timer ??= setTimeout(run, waitMs);
  };
  call.flush = () => {
    if (timer) clearTimeout(timer);
    run();
  };
  return call;
}
