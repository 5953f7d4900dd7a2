import type { Logger } from 'pino';
import { Listener } from './listener.js';

export interface WakeUp {
  /** Runs a pass now (or waits for the one running, and runs one more after it). */
  now(): Promise<void>;
  /** Stops listening and polling, and waits for the pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` whenever a NOTIFY arrives on `channel` (sent by committing transactions), with a poll
 * as the backstop and a pass after every (re)connection to catch what was missed. Passes never overlap:
 * a wake-up during a pass runs one more after it. A pass is repeated while it returns more than 0
 * (a full batch), and a failing pass is logged and retried on the next wake-up.
 */
export async function onWakeUp(
  options: {
    url: string;
    channel: string;
    pollMs: number;
    log: Logger;
    what: string;
    /** Gather the notifications of this long into one pass (work that gains from batches and may wait). */
    gatherMs?: number;
  },
  pass: () => Promise<number>,
): Promise<WakeUp> {
  const { log, what } = options;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const now = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while (!stopped && (await pass()) > 0);
        } while (again && !stopped);
      } catch (err) {
        log.error({ err: String(err) }, `${what} failed; retrying on the next wake-up`);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  let gathering: NodeJS.Timeout | undefined;
  const notified = () => {
    if (!options.gatherMs) return void now();
    gathering ??= setTimeout(() => {
      gathering = undefined;
      void now();
    }, options.gatherMs);
  };
  const listener = new Listener(options.url, options.channel, log, { notification: notified, up: () => void now() });
  await listener.start();
  const poll = setInterval(() => void now(), options.pollMs);
  return {
    now,
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearTimeout(gathering);
      await listener.close();
      await running;
    },
  };
}
