/** How a run is shown: console tables, the JSON record, and the results section of bench/README.md. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AugmentRow, ParallelRow, RunRecord, TrainingRow } from './results.js';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

function rate(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function ratio(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '–';
  return `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`;
}

function bytes(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  const mib = x / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(0)} MiB`;
}

function batchLabel(r: TrainingRow): string {
  return r.chunk === null ? String(r.batch) : `${r.batch} (chunk ${r.chunk})`;
}

const TRAINING_HEADER = [
  'case',
  'batch',
  'ours img/s',
  'torch 1T img/s',
  'ratio',
  'ratio excl. aug',
  'ratio CPU time',
  'torch all-T img/s',
  'ours peak RSS',
  'wasm heap',
  'torch 1T peak RSS',
];

function trainingCells(r: TrainingRow): string[] {
  return [
    r.id,
    batchLabel(r),
    rate(r.ours.imagesPerSecond),
    rate(r.torch1?.imagesPerSecond),
    ratio(r.ratio),
    ratio(r.ratioModelOnly),
    ratio(r.ratioCpuTime),
    rate(r.torchAll?.imagesPerSecond),
    bytes(r.ours.memory.peakRssBytes),
    bytes(r.ours.memory.wasmHeapBytes),
    bytes(r.torch1?.maxRssBytes),
  ];
}

const AUGMENT_HEADER = [
  'case',
  'ours img/s',
  'torchvision img/s',
  'ratio',
  'per-round range',
  'ours peak RSS',
  'wasm heap',
  'torchvision peak RSS',
];

function augmentCells(r: AugmentRow): string[] {
  return [
    r.id,
    rate(r.oursImagesPerSecond),
    rate(r.torchvisionImagesPerSecond),
    ratio(r.ratio),
    r.ratioRange === null ? '–' : `${r.ratioRange.min.toFixed(2)}–${r.ratioRange.max.toFixed(2)}`,
    bytes(r.memory.peakRssBytes),
    bytes(r.memory.wasmHeapBytes),
    bytes(r.torchvisionMaxRssBytes),
  ];
}

const PARALLEL_HEADER = [
  'case',
  'batch',
  'W',
  'img/s',
  'speed-up',
  'per-round range',
  'independent',
  'efficiency',
  'worker wasm heap',
  'peak RSS',
  'loss',
];

/** One line per worker count. */
function parallelCells(r: ParallelRow): string[][] {
  return r.points.map((p) => [
    r.id,
    String(r.batch),
    String(p.workers),
    rate(p.imagesPerSecond),
    ratio(p.speedup),
    `${p.speedupRange.min.toFixed(2)}–${p.speedupRange.max.toFixed(2)}`,
    ratio(p.ceiling),
    `${(100 * p.efficiency).toFixed(0)}%`,
    bytes(p.workerWasmHeapBytes),
    bytes(p.peakRssBytes),
    p.loss.toFixed(3),
  ]);
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function split(record: RunRecord) {
  return {
    training: record.rows.filter((r): r is TrainingRow => r.kind === 'training'),
    augment: record.rows.filter((r): r is AugmentRow => r.kind === 'augment'),
    parallel: record.rows.filter((r): r is ParallelRow => r.kind === 'parallel'),
  };
}

/** One line on what the numbers were taken with. */
function setting(record: RunRecord): string {
  const { machine: m, versions: v } = record;
  const torch =
    v.torch === null
      ? `PyTorch skipped (${record.torchSkipped})`
      : `torch ${v.torch}, torchvision ${v.torchvision}`;
  const wasm =
    v.wasmSimd === null
      ? ''
      : ` (wasm SIMD ${v.wasmSimd ? 'on' : 'off'}, threads ${v.wasmThreads ? 'on' : 'off'})`;
  const extensions = m.vectorExtensions.length > 0 ? ` (${m.vectorExtensions})` : '';
  const selection = record.selection === null ? '' : `; only --cases=${record.selection}`;
  return (
    `${record.date}, ${m.cpuModel}${extensions}, ${m.availableParallelism} of ${m.cores} cores, ` +
    `Node ${m.node}, tfjs ${v.tfjs ?? '?'}${wasm}, ${torch}; ` +
    `load average ${m.loadAverageAtStart.toFixed(2)} at the start, ${record.loadAverageAtEnd.toFixed(2)} at the end; ` +
    `commit ${m.commit ?? '?'}${selection}`
  );
}

const PARALLEL_CAPTION =
  'Data-parallel training (pretrainParallel, W workers on wasm), images/s counting both views; ' +
  'speed-up = median over rounds of img/s at W / img/s at W = 1 in the same round; ' +
  'independent = the same for W workers training alone on their shards (the ceiling of the machine); ' +
  'efficiency = speed-up / independent';

export function printReport(record: RunRecord): void {
  const { training, augment, parallel } = split(record);
  console.log(`\n${setting(record)}`);
  if (record.quick)
    console.log('--quick: small batches and few steps; these numbers only show that the suite runs.');
  if (training.length > 0) {
    console.log('\nTraining step (images/s count both views; ratio = ours / PyTorch on 1 thread)');
    console.log(textTable(TRAINING_HEADER, training.map(trainingCells)));
    for (const r of training) if (r.note !== null) console.log(`note: ${r.id}: ${r.note}`);
  }
  if (augment.length > 0) {
    console.log('\nsimclrAugment vs torchvision (images/s; ratio = ours / torchvision, median of rounds)');
    console.log(textTable(AUGMENT_HEADER, augment.map(augmentCells)));
  }
  if (parallel.length > 0) {
    console.log(`\n${PARALLEL_CAPTION}`);
    console.log(textTable(PARALLEL_HEADER, parallel.flatMap(parallelCells)));
  }
}

/** Writes the record as `<dir>/<date>.json` (`<date>-quick.json` for --quick); returns the path. */
/**
 * Writes the record as `<date>[-quick].json` in `dir`, or `<date>-2.json`, `-3`… when that name is taken:
 * an earlier run of the same day is never overwritten. Returns the file's name.
 */
export function writeRecord(record: RunRecord, dir: URL): string {
  mkdirSync(dir, { recursive: true });
  const base = `${record.date}${record.quick ? '-quick' : ''}`;
  let name = `${base}.json`;
  for (let i = 2; existsSync(new URL(name, dir)); i++) name = `${base}-${i}.json`;
  writeFileSync(new URL(name, dir), `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
  return name;
}

/** The Markdown that goes between the README's result markers. */
export function readmeSection(record: RunRecord): string {
  const { training, augment, parallel } = split(record);
  const parts = [`Taken on ${setting(record)}.`];
  if (training.length > 0) {
    parts.push(
      'Training step, images/s counting both views; ratio = ours / PyTorch on 1 thread:',
      markdownTable(TRAINING_HEADER, training.map(trainingCells)),
    );
  }
  if (augment.length > 0) {
    parts.push(
      'simclrAugment (full preset, blur included) against torchvision, images/s:',
      markdownTable(AUGMENT_HEADER, augment.map(augmentCells)),
    );
  }
  if (parallel.length > 0) {
    parts.push(`${PARALLEL_CAPTION}:`, markdownTable(PARALLEL_HEADER, parallel.flatMap(parallelCells)));
  }
  return parts.join('\n\n');
}

/** Replaces the part of `readme` between the result markers with this record's tables. */
export function updateReadme(record: RunRecord, readme: URL, recordName: string): void {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${readme.pathname} lacks the ${START} … ${END} markers`);
  const json = `results/${recordName}`;
  const section = `${readmeSection(record)}\n\nAll measurements, per-step times included: [\`${json}\`](${json}).`;
  writeFileSync(readme, `${text.slice(0, start + START.length)}\n${section}\n${text.slice(end)}`);
}
