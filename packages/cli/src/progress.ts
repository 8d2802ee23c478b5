import cliProgress from 'cli-progress';
import type { Output } from './io.js';

/** What the progress display shows after each step. */
export interface ProgressState {
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  loss: number;
  lr: number;
  accuracy: number;
  imagesPerSecond: number;
  /** Worker threads training (1: the main thread). */
  workers: number;
}

/** A progress display: a live bar on a terminal, one line per epoch otherwise (logs, CI). */
export interface Progress {
  update(state: ProgressState): void;
  epochDone(line: string): void;
  stop(): void;
}

/** Creates the progress display for `stream`. */
export function createProgress(stream: Output, quiet: boolean): Progress {
  if (quiet) return { update() {}, epochDone() {}, stop() {} };
  if (!stream.isTTY) {
    return {
      update() {},
      epochDone: (line) => stream.write(`${line}\n`),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'epoch {ep} |{bar}| {value}/{total} steps | loss {loss} | acc {acc} | lr {lr} | {ips} img/s{w} | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(s) {
      const payload = {
        ep: `${Math.min(s.epoch + 1, s.epochs)}/${s.epochs}`,
        loss: s.loss.toFixed(4),
        acc: s.accuracy.toFixed(3),
        lr: s.lr.toExponential(2),
        ips: s.imagesPerSecond.toFixed(0),
        w: s.workers > 1 ? ` on ${s.workers} workers` : '',
      };
      if (!started) {
        bar.start(s.totalSteps, s.step, payload);
        started = true;
      } else {
        bar.update(s.step, payload);
      }
    },
    epochDone() {},
    stop() {
      if (started) bar.stop();
    },
  };
}
