import { contrastiveAccuracyChartSpec, lossChartSpec } from '@simclr/eval/report';
import { loadSimCLRModel, type SimCLRModel } from '@simclr/models';
import type { StepMetrics } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { fashionMnistSplit, firstN } from './fashion-mnist.js';
import { IndexedDbCheckpoints } from './idb-checkpoints.js';
import { KNN, type KnnSizes, knnAccuracy } from './knn-accuracy.js';
import { batchForWorkers, canTrainOnWorkers, clampWorkers, maxWorkers } from './replica-workers.js';
import { runPretrain } from './run-pretrain.js';
import { clearError, showError } from './show-error.js';
import { StepChart } from './step-chart.js';
import type { TaskLock } from './task-lock.js';
import { createModel, type TrainingSettings, trainingAugment, trainingConfig } from './training-setup.js';
import { weightsChecksum } from './weights-checksum.js';
import { yieldToBrowser } from './yield-to-browser.js';

/** Where the trained model is saved in the browser, and the name of its download. */
export const SAVED_MODEL_URL = 'indexeddb://simclr-browser';
export const DOWNLOAD_URL = 'downloads://simclr-browser';

const CHECKPOINT_EVERY = 10;
/** Steps in the moving average drawn over the loss and accuracy curves. */
const SMOOTHING = 10;
/** Steps whose losses are averaged for the "first" and "last" loss the page reports. */
const LOSS_WINDOW = 5;

type State = 'idle' | 'training' | 'pausing' | 'paused' | 'evaluating' | 'done';

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The training panel: pretrains `createModel()` with `pretrain` from `@simclr/train` on the first images
 * of the shipped Fashion-MNIST subset, charts loss and contrastive accuracy per step with the curve specs
 * of `@simclr/eval/report` (see `StepChart`), pauses by aborting
 * the run (which writes a checkpoint to IndexedDB) and resumes by calling `pretrain` again with
 * `resume: 'auto'`, measures kNN accuracy at the end (on as many images as the form asks for), and saves, reloads and downloads the model.
 *
 * On wasm in a cross-origin isolated page it offers a number of workers (default: one per core); with
 * more than one, the run is `pretrainReplicated` on that many Web Workers (see `runPretrain`), and the
 * batch is rounded down to a multiple of the workers. Pause, resume and the kNN check work the same.
 *
 * For tests the panel carries `data-state`, `data-workers`, `data-step`, `data-total-steps`,
 * `data-loss-first` and `data-loss-last` (means of the first and last five losses), `data-resumed-from`,
 * `data-knn`, `data-checksum` (see `weightsChecksum`), `data-saved`, and after a load
 * `data-loaded-checksum` and `data-loaded-knn`.
 */
export function createTrainPanel(root: HTMLElement, lock: TaskLock): void {
  const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const inputs = {
    images: $<HTMLInputElement>('train-images'),
    batchSize: $<HTMLInputElement>('train-batch'),
    epochs: $<HTMLInputElement>('train-epochs'),
    learningRate: $<HTMLInputElement>('train-lr'),
    seed: $<HTMLInputElement>('train-seed'),
    workers: $<HTMLInputElement>('train-workers'),
    knnBank: $<HTMLInputElement>('train-knn-bank'),
    knnQueries: $<HTMLInputElement>('train-knn-queries'),
  };
  const workersField = $<HTMLElement>('train-workers-field');
  inputs.workers.max = String(maxWorkers());
  inputs.workers.value = String(maxWorkers());
  const stepsOutput = $<HTMLOutputElement>('train-steps');
  const startButton = $<HTMLButtonElement>('train-start');
  const pauseButton = $<HTMLButtonElement>('train-pause');
  const saveButton = $<HTMLButtonElement>('train-save');
  const loadButton = $<HTMLButtonElement>('train-load');
  const downloadButton = $<HTMLButtonElement>('train-download');
  const status = $<HTMLElement>('train-status');
  const knnOutput = $<HTMLElement>('train-knn');
  const modelInfo = $<HTMLElement>('train-model');
  const chartError = (error: unknown) => showError(root, error);
  const lossChart = new StepChart($('loss-chart'), lossChartSpec, chartError);
  const accuracyChart = new StepChart($('accuracy-chart'), contrastiveAccuracyChartSpec, chartError);
  $<HTMLElement>('train-augment').textContent = trainingAugment().describe();
  const checkpoints = new IndexedDbCheckpoints('simclr-browser-checkpoints');

  let state: State = 'idle';
  let model: SimCLRModel | undefined;
  let settings: TrainingSettings | undefined;
  /** Workers of the current run, fixed at its start so that a resume continues it the same way. */
  let workers = 1;
  let controller: AbortController | undefined;
  let losses: number[] = [];
  let savedExists = false;

  /** The workers the form asks for: 1 unless the page trains on wasm and can share memory with workers. */
  const offersWorkers = () => canTrainOnWorkers() && tf.getBackend() === 'wasm';
  const readWorkers = () => (offersWorkers() ? clampWorkers(inputs.workers.valueAsNumber) : 1);
  const readSettings = (): TrainingSettings => {
    const batchSize = inputs.batchSize.valueAsNumber;
    const w = readWorkers();
    return {
      images: inputs.images.valueAsNumber,
      batchSize: w > 1 && Number.isFinite(batchSize) ? batchForWorkers(batchSize, w) : batchSize,
      epochs: inputs.epochs.valueAsNumber,
      learningRate: inputs.learningRate.valueAsNumber,
      seed: inputs.seed.valueAsNumber,
    };
  };
  /** The kNN check's sizes from the form, the defaults where a field is empty. */
  const readKnnSizes = (): KnnSizes => {
    const read = (input: HTMLInputElement, fallback: number) =>
      Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : fallback;
    return { bank: read(inputs.knnBank, KNN.bank), queries: read(inputs.knnQueries, KNN.queries) };
  };
  const runsOn = () => (workers > 1 ? `wasm × ${workers} workers` : tf.getBackend());
  const totalSteps = (s: TrainingSettings) => s.epochs * Math.floor(s.images / s.batchSize);

  const refresh = () => {
    const busy = lock.task !== null;
    root.dataset.state = state;
    startButton.disabled = busy;
    pauseButton.disabled = !(state === 'training' || (state === 'paused' && !busy));
    pauseButton.textContent = state === 'paused' ? 'Resume' : state === 'pausing' ? 'Pausing…' : 'Pause';
    const haveModel = model !== undefined && (state === 'done' || state === 'paused');
    saveButton.disabled = busy || !haveModel;
    downloadButton.disabled = busy || !haveModel;
    loadButton.disabled = busy || !savedExists;
    for (const input of Object.values(inputs)) input.disabled = busy;
    workersField.hidden = !offersWorkers();
    showSteps();
  };
  lock.subscribe(refresh);

  const showSteps = () => {
    const s = readSettings();
    const w = readWorkers();
    const split = w > 1 ? ` · batch ${s.batchSize} = ${w} workers × ${s.batchSize / w}` : '';
    stepsOutput.value = Number.isFinite(totalSteps(s)) ? `${totalSteps(s)} steps${split}` : '';
  };
  for (const input of Object.values(inputs)) input.addEventListener('input', showSteps);
  showSteps();

  const onStep = async (m: StepMetrics) => {
    losses.push(m.loss);
    const record = {
      step: m.step,
      epoch: m.epoch,
      loss: m.loss,
      lr: m.lr,
      contrastiveAccuracy: m.contrastiveAccuracy,
    };
    lossChart.push(record);
    accuracyChart.push(record);
    root.dataset.step = String(m.step);
    root.dataset.lossFirst = String(mean(losses.slice(0, LOSS_WINDOW)));
    root.dataset.lossLast = String(mean(losses.slice(-LOSS_WINDOW)));
    status.textContent =
      `step ${m.step} / ${root.dataset.totalSteps} (epoch ${m.epoch + 1}) · loss ${m.loss.toFixed(3)} · ` +
      `contrastive accuracy ${percent(m.contrastiveAccuracy)} · ${m.imagesPerSecond.toFixed(0)} images/s on ${runsOn()}`;
    await yieldToBrowser();
  };

  /** Runs (or continues) `pretrain` until it completes or the pause button aborts it. */
  const run = async () => {
    if (model === undefined || settings === undefined) return;
    const [train, test] = await Promise.all([fashionMnistSplit('train'), fashionMnistSplit('test')]);
    controller = new AbortController();
    state = 'training';
    const result = await lock.run('training', () =>
      runPretrain(trainingConfig(settings!, CHECKPOINT_EVERY), {
        model: model!,
        dataset: firstN(train, settings!.images),
        workers,
        checkpoints,
        onStep,
        signal: controller!.signal,
        onWarning: (message) => console.warn(message),
      }),
    );
    if (result.resumedFrom !== null) root.dataset.resumedFrom = String(result.resumedFrom);
    if (result.status === 'aborted') {
      state = 'paused';
      status.textContent = `paused after step ${result.step}; a checkpoint is in IndexedDB`;
      refresh();
      return;
    }
    state = 'evaluating';
    status.textContent = `trained ${result.step} steps; measuring kNN accuracy…`;
    const sizes = readKnnSizes();
    const knn = await lock.run('kNN evaluation', async () => {
      root.dataset.checksum = String(await weightsChecksum(model!));
      return knnAccuracy(model!, train, test, sizes);
    });
    root.dataset.knn = String(knn);
    knnOutput.textContent =
      `kNN accuracy (k = ${KNN.k}, ${sizes.bank} labelled training images vote for ${sizes.queries} test images): ` +
      `${percent(knn)} — chance is 10%`;
    state = 'done';
    status.textContent = `trained ${result.step} steps on ${runsOn()}`;
    refresh();
  };

  const guarded = (fn: () => Promise<void>) => () => {
    clearError(root);
    fn().catch((error: unknown) => {
      if (state === 'training' || state === 'pausing' || state === 'evaluating') state = 'idle';
      refresh();
      showError(root, error);
    });
  };

  startButton.addEventListener(
    'click',
    guarded(async () => {
      settings = readSettings();
      workers = readWorkers();
      // Shows the batch rounded to a multiple of the workers.
      inputs.batchSize.value = String(settings.batchSize);
      await checkpoints.clear();
      model?.dispose();
      model = createModel(settings.seed);
      losses = [];
      for (const key of ['step', 'lossFirst', 'lossLast', 'resumedFrom', 'knn', 'checksum', 'saved']) {
        delete root.dataset[key];
      }
      root.dataset.totalSteps = String(totalSteps(settings));
      root.dataset.workers = String(workers);
      knnOutput.textContent = '';
      const twoN = 2 * settings.batchSize;
      const steps = totalSteps(settings);
      lossChart.reset({
        steps,
        smoothing: SMOOTHING,
        reference: {
          value: Math.log(twoN - 1),
          label: `log(2N−1) = ${Math.log(twoN - 1).toFixed(2)}: views indistinguishable`,
        },
      });
      accuracyChart.reset({
        steps,
        smoothing: SMOOTHING,
        reference: { value: 1 / (twoN - 1), label: 'chance' },
      });
      await run();
    }),
  );

  pauseButton.addEventListener(
    'click',
    guarded(async () => {
      if (state === 'training') {
        state = 'pausing';
        controller?.abort();
        refresh();
      } else if (state === 'paused') {
        await run();
      }
    }),
  );

  saveButton.addEventListener(
    'click',
    guarded(async () => {
      await lock.run('saving', async () => {
        await model!.save(SAVED_MODEL_URL);
        root.dataset.saved = String(await weightsChecksum(model!));
      });
      savedExists = true;
      modelInfo.textContent = `saved to ${SAVED_MODEL_URL} at ${new Date().toLocaleTimeString()}`;
      refresh();
    }),
  );

  loadButton.addEventListener(
    'click',
    guarded(async () => {
      const [train, test] = await Promise.all([fashionMnistSplit('train'), fashionMnistSplit('test')]);
      await lock.run('loading', async () => {
        const loaded = await loadSimCLRModel(SAVED_MODEL_URL);
        model?.dispose();
        model = loaded;
        state = 'done';
        root.dataset.loadedChecksum = String(await weightsChecksum(loaded));
        status.textContent = `model loaded from ${SAVED_MODEL_URL}`;
        modelInfo.textContent = `loaded ${SAVED_MODEL_URL}; measuring its kNN accuracy…`;
        const knn = await knnAccuracy(loaded, train, test, readKnnSizes());
        root.dataset.loadedKnn = String(knn);
        modelInfo.textContent = `loaded ${SAVED_MODEL_URL}: kNN accuracy ${percent(knn)}`;
      });
    }),
  );

  downloadButton.addEventListener(
    'click',
    guarded(async () => {
      await lock.run('downloading', async () => {
        await model!.save(DOWNLOAD_URL);
      });
    }),
  );

  tf.io
    .listModels()
    .then((models) => {
      const info = models[SAVED_MODEL_URL];
      if (info !== undefined) {
        savedExists = true;
        modelInfo.textContent = `a model saved on ${new Date(info.dateSaved).toLocaleString()} is in ${SAVED_MODEL_URL}`;
      }
      refresh();
    })
    .catch((error: unknown) => showError(root, error));
  refresh();
}
