import { describeValue, SimclrError } from '@simclr/core';
import type { ReportRun, ResultRow } from './types.js';

/** An image file the report page shows, relative to the page. */
export interface ReportImage {
  /** Path relative to `report.html`, e.g. `'loss.svg'`. */
  file: string;
  /** Short title, used as the alternative text. */
  title: string;
  /** A sentence shown under the image. */
  caption: string;
}

const COLUMNS: readonly [keyof ResultRow, string][] = [
  ['knnTop1', 'kNN top-1'],
  ['knnTop5', 'kNN top-5'],
  ['linearTop1', 'linear top-1'],
  ['linearTop5', 'linear top-5'],
  ['fineTune1PctTop1', 'fine-tuned, 1% labels, top-1'],
  ['fineTune10PctTop1', 'fine-tuned, 10% labels, top-1'],
  ['fineTune100PctTop1', 'fine-tuned, 100% labels, top-1'],
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(100 * value).toFixed(1)}%`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(run: ReportRun): [string, string][] {
  const rows: [string, string][] = [];
  const { history } = run;
  const last = history.at(-1);
  if (last !== undefined) {
    rows.push(['steps', String(last.step)], ['epochs', String(last.epoch + 1)]);
    // The mean over the last tenth (up to 50 steps) says more than one noisy final step.
    const tail = history.slice(-Math.max(1, Math.min(50, Math.ceil(history.length / 10))));
    rows.push([
      `final loss (mean of the last ${tail.length} steps)`,
      (tail.reduce((s, r) => s + r.loss, 0) / tail.length).toFixed(4),
    ]);
    const speeds = history.flatMap((r) => (r.imagesPerSecond === undefined ? [] : [r.imagesPerSecond]));
    if (speeds.length > 0) rows.push(['images per second (median)', median(speeds).toFixed(1)]);
  }
  const knn = run.knnHistory?.at(-1);
  if (knn !== undefined) {
    rows.push([`kNN top-1 / top-5 after epoch ${knn.epoch}`, `${percent(knn.top1)} / ${percent(knn.top5)}`]);
  }
  const linear = run.linearHistory?.at(-1);
  if (linear !== undefined) {
    rows.push([
      `linear probe top-1 / top-5 after epoch ${linear.epoch}`,
      `${percent(linear.top1)} / ${percent(linear.top5)}`,
    ]);
  }
  return rows;
}

function resultsTable(results: readonly ResultRow[]): string {
  const columns = COLUMNS.filter(([key]) => results.some((r) => r[key] !== undefined));
  const head = ['representation', ...columns.map(([, label]) => label)].map(
    (h) => `<th>${escapeHtml(h)}</th>`,
  );
  const body = results.map((r) => {
    const cells = columns.map(([key]) => `<td>${percent(r[key] as number | undefined)}</td>`);
    return `<tr><th scope="row">${escapeHtml(r.representation)}</th>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}

/**
 * The report page: the run's title, a summary (steps, final loss, throughput, the last kNN and linear
 * probe readings), the comparison table, the images in the given order with their captions, and the
 * config. Self-contained HTML (inline style, no scripts) that refers to the images by relative path.
 */
export function reportHtml(run: ReportRun, images: readonly ReportImage[]): string {
  if (
    run === null ||
    typeof run !== 'object' ||
    typeof run.title !== 'string' ||
    !Array.isArray(run.history)
  ) {
    throw new SimclrError(
      `run must be an object with a title and a history array, got ${describeValue(run)}`,
    );
  }
  const facts = summary(run)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('');
  const figures = images
    .map(
      (image) =>
        `<figure><img src="${escapeHtml(image.file)}" alt="${escapeHtml(image.title)}"><figcaption>${escapeHtml(image.caption)}</figcaption></figure>`,
    )
    .join('\n');
  const sections = [
    `<h1>${escapeHtml(run.title)}</h1>`,
    facts === '' ? '' : `<dl>${facts}</dl>`,
    run.results !== undefined && run.results.length > 0
      ? `<h2>Results</h2>\n${resultsTable(run.results)}`
      : '',
    figures === '' ? '' : `<h2>Figures</h2>\n<div class="figures">\n${figures}\n</div>`,
    run.config === undefined
      ? ''
      : `<h2>Configuration</h2>\n<pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre>`,
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(run.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1.5rem; }
dt { color: #555; } dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #ddd; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; } img { max-width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: 0.9rem; max-width: 560px; margin-top: 0.3rem; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; }
</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}
