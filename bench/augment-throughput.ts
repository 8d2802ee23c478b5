/**
 * Throughput of the full simclrAugment preset (crop, flip, jitter, grayscale, blur) against torchvision's
 * own pipeline on PIL images, one image at a time on one thread (`augment_torchvision.py`). The two
 * alternate in rounds, so both see the same machine load; ratios are taken per round.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { simclrAugment } from '@simclr/augment';
import { createRng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './measure.js';
import { PYTHON } from './torch.js';

/** Images per second of simclrAugment on `images` (median over batches, at least 3, for about `seconds`). */
export function measureOurs(images: tf.Tensor4D, size: number, seconds: number): number {
  const augment = simclrAugment({ size });
  const rng = createRng(0);
  const n = images.shape[0];
  const rates: number[] = [];
  const start = performance.now();
  while (rates.length < 3 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    const out = augment(images, rng);
    out.dataSync();
    rates.push(n / ((performance.now() - t0) / 1000));
    out.dispose();
  }
  return median(rates);
}

/** What the torchvision process answers to one request. */
export interface TorchvisionAnswer {
  imagesPerSecond: number;
  /** Peak RSS of the torchvision process so far. */
  maxRssBytes: number;
}

export interface TorchvisionServer {
  version: string;
  measure(n: number, size: number, seconds: number): Promise<TorchvisionAnswer>;
  close(): void;
}

/** Starts a torchvision measuring process: one request per line, one JSON answer per line. */
export async function torchvisionServer(): Promise<TorchvisionServer> {
  const child = spawn(PYTHON, [new URL('./augment_torchvision.py', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`augment_torchvision.py exited with code ${code}`)));
  });
  exited.catch(() => {});
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) throw new Error('augment_torchvision.py closed its output');
    return JSON.parse(line.value as string) as Record<string, unknown>;
  };
  const version = (await next())['torchvision'] as string;
  return {
    version,
    async measure(n, size, seconds) {
      child.stdin.write(`${n} ${size} ${seconds}\n`);
      const answer = await next();
      return {
        imagesPerSecond: answer['imagesPerSecond'] as number,
        maxRssBytes: answer['maxRssBytes'] as number,
      };
    },
    close: () => child.stdin.end(),
  };
}

export interface AugmentRounds {
  /** Ours, images per second, per round. */
  ours: number[];
  /** torchvision, per round; empty without torchvision. */
  theirs: number[];
  /** ours / torchvision, per round. */
  ratio: number[];
  /** Peak RSS of the torchvision process, or null without it. */
  theirMaxRssBytes: number | null;
}

/**
 * `rounds` alternating measurements of simclrAugment({ size }) on `n` seeded random images, ours first,
 * against `server` when given. Runs a warm-up augmentation first.
 */
export async function augmentRounds(
  n: number,
  size: number,
  rounds: number,
  seconds: number,
  server: TorchvisionServer | null,
): Promise<AugmentRounds> {
  const images = tf.randomUniform([n, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  try {
    simclrAugment({ size })(images, createRng(0)).dispose();
    const result: AugmentRounds = { ours: [], theirs: [], ratio: [], theirMaxRssBytes: null };
    for (let round = 0; round < rounds; round++) {
      const ours = measureOurs(images, size, seconds);
      result.ours.push(ours);
      if (server !== null) {
        const theirs = await server.measure(n, size, seconds);
        result.theirs.push(theirs.imagesPerSecond);
        result.ratio.push(ours / theirs.imagesPerSecond);
        result.theirMaxRssBytes = theirs.maxRssBytes;
      }
    }
    return result;
  } finally {
    images.dispose();
  }
}
