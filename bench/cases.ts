/**
 * What `run-all.ts` measures: SimCLR training steps of three encoders at two batch sizes, and the
 * augmentation preset on its own. A case id names one measurement (`resnet18/b128/wasm`); `--cases`
 * selects ids or their leading segments (`resnet18`, `augment`).
 */

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
  backend: 'wasm' | 'cpu';
  /** Source images per step; each gives two views. */
  batch: number;
  /** contrastiveGradients' chunkSize (gradient cache), or null for one taped pass over the batch. */
  chunk: number | null;
  protocol: Protocol;
}

export interface AugmentCase {
  kind: 'augment';
  id: string;
  batch: number;
  size: number;
  /** Alternating rounds of ours and torchvision; the ratio is the median of the per-round ratios. */
  rounds: number;
  /** Seconds each side measures per round. */
  seconds: number;
}

export type BenchCase = TrainingCase | AugmentCase;

/**
 * Every case. `--quick` keeps the ids but shrinks the batches (32 → 8, 128 → 16, chunk 32 → 8, so the
 * chunked path still runs in two chunks) and the number of steps: it checks that the suite runs, its
 * numbers mean little.
 */
export function allCases(quick: boolean): BenchCase[] {
  const protocol = quick ? QUICK_PROTOCOL : FULL_PROTOCOL;
  const batch = (b: number) => (quick ? (b === 32 ? 8 : 16) : b);
  const training = (
    model: ModelName,
    b: 32 | 128,
    backend: 'wasm' | 'cpu',
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
  const augment = (b: number, size: number): AugmentCase => ({
    kind: 'augment',
    id: `augment/${size}px-b${b}`,
    batch: b,
    size,
    rounds: quick ? 1 : 5,
    seconds: quick ? 0.3 : 1,
  });
  return [
    training('small-cnn', 32, 'wasm'),
    training('small-cnn', 32, 'cpu'),
    training('small-cnn', 128, 'wasm'),
    training('small-cnn', 128, 'cpu'),
    training('resnet18-w0.25', 32, 'wasm'),
    training('resnet18-w0.25', 128, 'wasm'),
    training('resnet18', 32, 'wasm'),
    // Unchunked at batch 32 the wasm heap already reaches about 3.5 GB of its 4 GB ceiling.
    training('resnet18', 128, 'wasm', 32),
    augment(256, 32),
    augment(64, 96),
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
