/**
 * A task run every `everyMs`, never two runs at once (a slow dependency
 * skips ticks instead of piling runs up). `stop()` clears the timer and
 * resolves once no run is in flight, so the clients a run uses can be closed
 * after it: a kafkajs admin call still running at disconnect can reconnect
 * and hold a socket open, which keeps the process from exiting.
 * The task handles its own errors; one that escapes is dropped.
 */
export interface Periodic {
  stop(): Promise<void>;
}

export function every(everyMs: number, task: () => Promise<unknown>, opts: { now?: boolean } = {}): Periodic {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = task()
      .then(() => undefined, () => undefined)
      .finally(() => (running = null));
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  if (opts.now) run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
