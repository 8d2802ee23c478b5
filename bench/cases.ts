/**
 * What `run-all.ts` measures: SimCLR training steps of three encoders at two batch sizes, the
 * augmentation preset on its own, and data-parallel training on 1, 2, … workers. A case id names one
 * measurement (`resnet18/b128/wasm`); `--cases` selects ids or their leading segments (`resnet18`,
 * `augment`, `parallel`).
 */
import os from 'node:os';

/** The encoders of the training cases; every ResNet here has the CIFAR stem (3×3 stride-1 conv, no max-pool). */
export type ModelName = 'small-cnn' | 'resnet18-w0.25' | 'resnet18';

export const MODEL_LABELS: Record<ModelName, string> = {
  'small-cnn': 'small CNN [16,32,64]',
  'resnet18-w0.25': 'ResNet-18 width ÷4, CIFAR stem',
  resnet18: 'ResNet-18, CIFAR stem',
};

/** Side of the square RGB images the training cases use (CIFAR-10's). */
export const IMAGE_SIZE = 32;
/** NT-Xent temperature of the training step. */
export const TEMPERATURE = 0.5;
/** Colour distortion strength of the training step's augmentation (SimCLR's CIFAR-10 setting, no blur). */
export const AUGMENT_STRENGTH = 0.5;

/** Steps taken to measure one case: the median of the timed steps is reported. */
export interface Protocol {
  /** Untimed steps first (graph building, weight packing, optimizer slots). */
  warmup: number;
  /** At least this many timed steps… */
  minSteps: number;
  /** …and more while fewer than `seconds` have passed, up to this many. */
  maxSteps: number;
  seconds: number;
}

export const FULL_PROTOCOL: Protocol = { warmup: 2, minSteps: 3, maxSteps: 20, seconds: 20 };
export const QUICK_PROTOCOL: Protocol = { warmup: 1, minSteps: 2, maxSteps: 2, seconds: 0 };

export interface TrainingCase {
  kind: 'training';
  id: string;
  model: ModelName;
  /** `native`: the wasm backend with @simclr/native's oneDNN convolutions and matmuls, every core. */
  backend: 'native' | 'wasm' | 'cpu';
  /** Source images per step; each gives two views. */
  batch: number;
  /** contrastiveGradients' chunkSize (gradient cache), or null for one taped pass over the batch. */
  chunk: number | null;
  protocol: Protocol;
}

export interface AugmentCase {
  kind: 'augment';
  id: string;
  /** `native`: @simclr/native's threaded colour and blur kernels; `wasm`: this package's host loops. */
  backend: 'native' | 'wasm';
  batch: number;
  size: number;
  /** Alternating rounds of ours and torchvision; the ratio is the median of the per-round ratios. */
  rounds: number;
  /** Seconds each side measures per round. */
  seconds: number;
}

/**
 * Data-parallel training (`pretrainParallel`) at each worker count, against the machine's own scaling
 * ceiling: the same number of workers each running the single-process step on its shard with no
 * communication at all.
 */
export interface ParallelCase {
  kind: 'parallel';
  id: string;
  model: ModelName;
  backend: 'wasm';
  /** The global batch: source images per step, split evenly over the workers. */
  batch: number;
  /** Worker counts measured, 1 first: it is the reference of every speed-up. */
  workers: number[];
  /**
   * Rounds, each measuring every worker count back to back; a speed-up is the median over the rounds of
   * its ratio to W = 1 in the same round, which cancels the drift of a noisy machine between rounds.
   */
  rounds: number;
  protocol: Protocol;
}

export type BenchCase = TrainingCase | AugmentCase | ParallelCase;

/**
 * The worker counts of a parallel case: 1, 2, … up to the CPUs this process may use (at least 1 and 2),
 * keeping those that divide the batch, since every worker takes an equal shard.
 */
export function workerCounts(batch: number): number[] {
  const most = Math.max(2, os.availableParallelism());
  return Array.from({ length: most }, (_, i) => i + 1).filter((w) => batch % w === 0);
}

/**
 * Every case. `--quick` keeps the ids but shrinks the batches (32 → 8, 128 → 16, chunk 32 → 8, so the
 * chunked path still runs in two chunks; parallel 256 → 32, 128 → 16), the number of steps and the
 * parallel cases' rounds: it checks that the suite runs, its numbers mean little.
 */
export function allCases(quick: boolean): BenchCase[] {
  const protocol = quick ? QUICK_PROTOCOL : FULL_PROTOCOL;
  const batch = (b: number) => (quick ? (b === 32 ? 8 : 16) : b);
  const training = (
    model: ModelName,
    b: 32 | 128,
    backend: 'native' | 'wasm' | 'cpu',
    chunk: number | null = null,
  ): TrainingCase => ({
    kind: 'training',
    id: `${model}/b${b}/${backend}`,
    model,
    backend,
    batch: batch(b),
    chunk: chunk === null ? null : quick ? 8 : chunk,
    protocol,
  });
  const augment = (b: number, size: number, backend: 'native' | 'wasm'): AugmentCase => ({
    kind: 'augment',
    id: `augment/${size}px-b${b}/${backend}`,
    backend,
    batch: b,
    size,
    rounds: quick ? 1 : 5,
    seconds: quick ? 0.3 : 1,
  });
  const parallel = (model: ModelName, b: 128 | 256, rounds: number): ParallelCase => {
    const global = quick ? b / 8 : b;
    return {
      kind: 'parallel',
      id: `parallel/${model}/b${b}`,
      model,
      backend: 'wasm',
      batch: global,
      workers: workerCounts(global),
      rounds: quick ? 1 : rounds,
      protocol,
    };
  };
  return [
    training('small-cnn', 32, 'wasm'),
    training('small-cnn', 32, 'cpu'),
    training('small-cnn', 128, 'wasm'),
    training('small-cnn', 128, 'cpu'),
    training('small-cnn', 32, 'native'),
    training('small-cnn', 128, 'native'),
    training('resnet18-w0.25', 32, 'wasm'),
    training('resnet18-w0.25', 32, 'native'),
    training('resnet18-w0.25', 128, 'wasm'),
    training('resnet18-w0.25', 128, 'native'),
    training('resnet18', 32, 'wasm'),
    training('resnet18', 32, 'native'),
    // Unchunked at batch 32 the wasm heap already reaches about 3.5 GB of its 4 GB ceiling.
    training('resnet18', 128, 'wasm', 32),
    training('resnet18', 128, 'native', 32),
    augment(256, 32, 'wasm'),
    augment(256, 32, 'native'),
    augment(64, 96, 'wasm'),
    augment(64, 96, 'native'),
    parallel('small-cnn', 256, 3),
    // Fewer rounds: its steps are over ten times slower than the small CNN's at the same batch.
    parallel('resnet18-w0.25', 128, 2),
  ];
}

/**
 * The cases `--cases` names: each entry is a whole id or its leading `/`-separated segments.
 *
 * @throws Error naming the known ids when an entry matches nothing.
 */
export function selectCases(cases: BenchCase[], selection: string[] | null): BenchCase[] {
  if (selection === null) return cases;
  const matches = (id: string, entry: string) => id === entry || id.startsWith(`${entry}/`);
  const unknown = selection.filter((entry) => !cases.some((c) => matches(c.id, entry)));
  if (unknown.length > 0) {
    throw new Error(
      `--cases: no case matches ${unknown.map((u) => `'${u}'`).join(', ')}; known ids: ${cases.map((c) => c.id).join(', ')}`,
    );
  }
  return cases.filter((c) => selection.some((entry) => matches(c.id, entry)));
}

/** Finds a case by its exact id (for the per-case child process). */
export function findCase(id: string, quick: boolean): BenchCase {
  const found = allCases(quick).find((c) => c.id === id);
  if (found === undefined) throw new Error(`unknown case id '${id}'`);
  return found;
}
