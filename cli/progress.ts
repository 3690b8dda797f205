/**
 * Progress of a long run, on stderr only (stdout stays the result): shown when stderr is a terminal or
 * with --progress. One line per step, and while a step takes long a line every few seconds with the
 * calls made so far, so a large tenant's audit is never silent.
 */
import type { CliIo } from './io.js';

export interface Progress {
  /** The run reached a step (`reading the holders`, `stored snapshot version 3`). */
  step: (text: string) => void;
  /** One call to Exchange Online or Microsoft Graph went out. */
  call: () => void;
  stop: () => void;
}

const QUIET: Progress = { step: () => undefined, call: () => undefined, stop: () => undefined };

export function progressOn(io: CliIo, label: string, asked: boolean, everyMs = 2000): Progress {
  if (!asked && !io.errIsTty) return QUIET;
  const started = Date.now();
  let current = 'starting';
  let calls = 0;
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const timer = setInterval(
    () => io.err(`${label}: still ${current} (${calls} Exchange and Graph calls, ${seconds()})`),
    everyMs,
  );
  timer.unref();
  return {
    step: (text) => {
      current = text;
      io.err(`${label}: ${text} (${seconds()})`);
    },
    call: () => void calls++,
    stop: () => clearInterval(timer),
  };
}

/** The same port, counting each method call (adapters' own internals are not touched). */
export function countingCalls<T extends object>(port: T, onCall: () => void): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onCall();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
