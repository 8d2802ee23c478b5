import { createRng, SimclrError } from '@simclr/core';
import {
  confusionChartSpec,
  contrastiveAccuracyChartSpec,
  embeddingChartSpec,
  knnChartSpec,
  learningRateChartSpec,
  lossChartSpec,
  type ReportRun,
  renderSvg,
  reportFigures,
  reportHtml,
  type StepRecord,
  umapProjection,
} from '@simclr/eval/report';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';

function history(steps: number): StepRecord[] {
  return Array.from({ length: steps }, (_, i) => ({
    step: i + 1,
    epoch: Math.floor(i / 100),
    loss: 4 - i / steps,
    lr: 0.3 * Math.min(1, (i + 1) / 50),
    ...(i % 2 === 0 && { contrastiveAccuracy: i / steps }),
  }));
}

/** Values of the spec's inline data. */
function rows(spec: object): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}

/** Number of items drawn by the mark groups of `role` in a Vega SVG (one path or shape per item). */
function markItems(svg: string, type: string): number {
  const groups = svg.split(`class="mark-${type} role-mark`).slice(1);
  return groups.reduce((n, g) => n + (g.split('</g>')[0]!.match(/<(path|text)\b/g)?.length ?? 0), 0);
}

/** The x and y scale domains of the spec's view. */
async function scales(spec: TopLevelSpec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    return { x: view.scale('x').domain() as number[], y: view.scale('y').domain() as number[] };
  } finally {
    view.finalize();
  }
}

/** Two tight clusters far apart in 6-D, labelled 0 and 1. */
function twoClusters(perCluster: number): { points: number[][]; labels: number[] } {
  const rng = createRng(4);
  const points: number[][] = [];
  const labels: number[] = [];
  for (const label of [0, 1]) {
    for (let i = 0; i < perCluster; i++) {
      points.push(Array.from({ length: 6 }, () => 10 * label + rng.normal(0, 0.3)));
      labels.push(label);
    }
  }
  return { points, labels };
}

describe('report chart specs', () => {
  it('draw short histories as they are and average long ones over windows of steps', async () => {
    const short = lossChartSpec(history(40));
    expect(rows(short)).toHaveLength(40);
    expect(rows(short)[0]).toEqual({ step: 1, value: 4 });
    const long = lossChartSpec(history(2500), { maxPoints: 1000 });
    expect(rows(long)).toHaveLength(834);
    expect(rows(long)[0]).toEqual({ step: 3, value: (4 + (4 - 1 / 2500) + (4 - 2 / 2500)) / 3 });
    expect(JSON.stringify(long)).toContain('mean over windows of 3 steps');
    expect(rows(learningRateChartSpec(history(10)))[9]).toEqual({ step: 10, value: 0.3 * (10 / 50) });
    const svg = await renderSvg(long);
    expect(svg).toMatch(/^<svg[^>]* width="\d+" height="\d+"/);
    expect(svg).toContain('Training loss');
  });

  it("add a labelled reference line, a moving average and an x axis of the run's length when asked", async () => {
    const chance = 1 / 47;
    const options = { steps: 50, reference: { value: chance, label: 'chance' }, smoothing: 5 };
    const spec = contrastiveAccuracyChartSpec(history(20), options);
    // The points are the named dataset a live view replaces; accuracy is logged every other step.
    expect((spec as { data: { name: string } }).data.name).toBe('steps');
    expect(rows(spec)).toHaveLength(10);
    const layers = (spec as unknown as { layer: Record<string, unknown>[] }).layer;
    expect(layers).toHaveLength(3);
    expect(layers[0]).toMatchObject({
      mark: { type: 'line', opacity: 0.35 },
      encoding: { x: { field: 'step', scale: { domain: [0, 50], nice: false } }, y: { field: 'value' } },
    });
    expect(layers[1]).toMatchObject({
      transform: [{ window: [{ op: 'mean', field: 'value', as: 'smoothed' }], frame: [-4, 0] }],
      mark: { type: 'line' },
      encoding: { y: { field: 'smoothed', title: 'accuracy' } },
    });
    expect(layers[2]).toMatchObject({
      data: { values: [{ reference: chance, label: 'chance' }] },
      encoding: { y: { field: 'reference', type: 'quantitative' } },
      layer: [{ mark: { type: 'rule', strokeDash: [4, 4] } }, { mark: { type: 'text' } }],
    });
    // The x axis spans exactly 0 … 50 although the last logged step is 19; the y axis reaches down to
    // the reference, below every logged accuracy.
    const domains = await scales(spec);
    expect(domains.x).toEqual([0, 50]);
    expect(domains.y[0]).toBeLessThanOrEqual(chance);
    const svg = await renderSvg(spec);
    expect(markItems(svg, 'line')).toBe(2);
    expect(svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(1);
    expect(svg).toContain('>chance</text>');
    expect(svg).toContain('>50</text>');

    // Without the options: the curve alone, on an x axis that ends near the last step.
    const plain = lossChartSpec(history(20));
    expect((plain as unknown as { layer: unknown[] }).layer).toHaveLength(1);
    expect((await scales(plain)).x).toEqual([0, 20]);
    const plainSvg = await renderSvg(plain);
    expect(markItems(plainSvg, 'line')).toBe(1);
    expect(plainSvg).not.toContain('rule mark');

    expect(() => lossChartSpec(history(3), { steps: 2.5 })).toThrow('steps must be an integer >= 1, got 2.5');
    expect(() => lossChartSpec(history(3), { smoothing: 0 })).toThrow(SimclrError);
    expect(() => lossChartSpec(history(3), { reference: { value: Number.NaN, label: 'x' } })).toThrow(
      /^reference must be \{ value: a finite number, label: a string \}/,
    );
  });

  it('draw one kNN point per reading and metric, and the linear probe beside it', async () => {
    const readings = [0, 1, 2].map((epoch) => ({ epoch, top1: 0.5 + epoch / 10, top5: 0.9 }));
    const spec = knnChartSpec(readings);
    expect(rows(spec)).toHaveLength(6);
    expect(rows(spec)[1]).toEqual({ epoch: 0, monitor: 'kNN', metric: 'top-5', accuracy: 0.9 });
    const svg = await renderSvg(spec);
    expect(markItems(svg, 'symbol')).toBe(6);
    expect(markItems(svg, 'line')).toBe(2);
    expect(svg).toContain('top-5');
    expect(svg).not.toContain('linear probe');

    const linear = [1, 2].map((epoch) => ({
      epoch,
      top1: epoch / 4 + 0.25,
      top5: 0.875,
      trainTop1: 1,
      loss: 0.5,
    }));
    const both = knnChartSpec(readings, { linearHistory: linear });
    expect(both.title).toBe('kNN and linear probe accuracy on the held-out split');
    expect(rows(both)).toHaveLength(10);
    expect(rows(both).slice(6)).toEqual([
      { epoch: 1, monitor: 'linear probe', metric: 'top-1', accuracy: 0.5 },
      { epoch: 1, monitor: 'linear probe', metric: 'top-5', accuracy: 0.875 },
      { epoch: 2, monitor: 'linear probe', metric: 'top-1', accuracy: 0.75 },
      { epoch: 2, monitor: 'linear probe', metric: 'top-5', accuracy: 0.875 },
    ]);
    const bothSvg = await renderSvg(both);
    expect(markItems(bothSvg, 'symbol')).toBe(10);
    // A line per monitor and metric, and a legend naming both monitors and both metrics.
    expect(markItems(bothSvg, 'line')).toBe(4);
    for (const label of ['kNN', 'linear probe', 'top-1', 'top-5'])
      expect(bothSvg).toContain(`>${label}</text>`);

    const alone = knnChartSpec([], { linearHistory: linear });
    expect(alone.title).toBe('Linear probe accuracy on the held-out split');
    expect(markItems(await renderSvg(alone), 'symbol')).toBe(4);
    expect(() => knnChartSpec(readings, { linearHistory: [3] as never })).toThrow(
      'linearHistory[0] must be an object, got 3',
    );
  });

  it('draw a confusion matrix cell per pair with its count', async () => {
    const matrix = [
      [5, 1, 0],
      [2, 7, 1],
      [0, 0, 9],
    ];
    const spec = confusionChartSpec(matrix, { classNames: ['cat', 'dog', 'emu'] });
    expect(rows(spec)).toContainEqual({ actual: 'dog', predicted: 'cat', count: 2, dark: false });
    const svg = await renderSvg(spec);
    expect(markItems(svg, 'rect')).toBe(9);
    expect(markItems(svg, 'text')).toBe(9);
    expect(svg).toContain('emu');
    expect(() => confusionChartSpec([[1, 2]])).toThrow(SimclrError);
    expect(() => confusionChartSpec([[1, 2]])).toThrow(/^matrix must be a non-empty square array of counts/);
  });

  it('draw every embedded point, coloured by class name', async () => {
    const spec = embeddingChartSpec(
      [
        [0, 1],
        [1, 0],
        [2, 2],
      ],
      [0, 1, 1],
      { classNames: ['a', 'b'] },
    );
    expect(rows(spec).map((r) => r['class'])).toEqual(['a', 'b', 'b']);
    expect(markItems(await renderSvg(spec), 'symbol')).toBe(3);
    expect(() => embeddingChartSpec([[0, 1]], [0, 1])).toThrow(
      'labels must hold one class per point (1), got [0,1]',
    );
    expect(() => lossChartSpec({} as never)).toThrow('history must be an array, got an object');
  });
});

describe('umapProjection', () => {
  it('is seeded, and keeps well-separated clusters apart', () => {
    const { points, labels } = twoClusters(20);
    const a = umapProjection(points, { rng: createRng(1), nEpochs: 100 });
    expect(umapProjection(points, { rng: createRng(1), nEpochs: 100 })).toEqual(a);
    expect(umapProjection(points, { rng: createRng(2), nEpochs: 100 })).not.toEqual(a);
    expect(a).toHaveLength(40);
    const centre = (label: number) =>
      [0, 1].map((d) => a.filter((_, i) => labels[i] === label).reduce((s, p) => s + p[d]!, 0) / 20);
    const spread = (label: number) => {
      const c = centre(label);
      return Math.max(
        ...a.filter((_, i) => labels[i] === label).map((p) => Math.hypot(p[0]! - c[0]!, p[1]! - c[1]!)),
      );
    };
    const [c0, c1] = [centre(0), centre(1)];
    expect(Math.hypot(c0[0]! - c1[0]!, c0[1]! - c1[1]!)).toBeGreaterThan(spread(0) + spread(1));
  });

  it('rejects too few points and ragged or non-finite rows', () => {
    expect(() => umapProjection([[1], [2]])).toThrow(/^points must be an array of at least 3 rows/);
    expect(() => umapProjection([[1, 2], [3, 4], [5]])).toThrow(
      'points must be rows of 2 finite numbers, got [5] at row 2',
    );
    expect(() =>
      umapProjection([
        [1, 2],
        [3, 4],
        [5, Number.NaN],
      ]),
    ).toThrow(SimclrError);
  });
});

describe('reportFigures and reportHtml', () => {
  it('make a figure for each part of the run that has data, in reading order', async () => {
    const minimal: ReportRun = {
      title: 'minimal',
      history: history(5).map(({ contrastiveAccuracy, ...r }) => r),
    };
    expect((await reportFigures(minimal)).map((f) => f.name)).toEqual(['loss', 'learning-rate']);
    const { points, labels } = twoClusters(10);
    const full: ReportRun = {
      title: 'full',
      history: history(30),
      knnHistory: [{ epoch: 0, top1: 0.4, top5: 0.8 }],
      embeddings: { features: points, labels },
      confusion: [
        [1, 0],
        [0, 1],
      ],
      classNames: ['left', 'right'],
    };
    const figures = await reportFigures(full, { umap: { nEpochs: 50 }, maxEmbeddingPoints: 15 });
    expect(figures.map((f) => f.name)).toEqual([
      'loss',
      'learning-rate',
      'contrastive-accuracy',
      'knn',
      'embedding',
      'confusion',
    ]);
    expect(figures.find((f) => f.name === 'knn')!.title).toBe('kNN accuracy');
    const probed = await reportFigures({
      ...minimal,
      linearHistory: [{ epoch: 0, top1: 0.5, top5: 0.9, trainTop1: 0.6, loss: 1.2 }],
    });
    expect(probed.map((f) => [f.name, f.title])).toEqual([
      ['loss', 'Training loss'],
      ['learning-rate', 'Learning rate'],
      ['knn', 'Linear probe accuracy'],
    ]);
    const withBoth = await reportFigures({
      ...minimal,
      knnHistory: [{ epoch: 0, top1: 0.4, top5: 0.8 }],
      linearHistory: [{ epoch: 0, top1: 0.5, top5: 0.9, trainTop1: 0.6, loss: 1.2 }],
    });
    const monitors = withBoth.find((f) => f.name === 'knn')!;
    expect(monitors.title).toBe('kNN and linear probe accuracy');
    expect(rows(monitors.spec).map((r) => r['monitor'])).toEqual([
      'kNN',
      'kNN',
      'linear probe',
      'linear probe',
    ]);
    const embedding = figures.find((f) => f.name === 'embedding')!;
    expect(rows(embedding.spec)).toHaveLength(15);
    expect(embedding.caption).toContain('15 test images');
    for (const figure of figures) expect(await renderSvg(figure.spec)).toMatch(/^<svg/);
  });

  it('write an escaped page with a summary, the columns that have values and the config', () => {
    const html = reportHtml(
      {
        title: 'A <b>run</b> & more',
        history: history(200).map((r) => ({ ...r, imagesPerSecond: 50 })),
        knnHistory: [{ epoch: 1, top1: 0.625, top5: 0.9 }],
        linearHistory: [
          { epoch: 0, top1: 0.5, top5: 0.9, trainTop1: 0.5, loss: 1 },
          { epoch: 1, top1: 0.75, top5: 0.95, trainTop1: 0.8, loss: 0.5 },
        ],
        results: [
          { representation: 'SimCLR', knnTop1: 0.625, linearTop1: 0.7 },
          { representation: 'random <init>', linearTop1: 0.3125 },
        ],
        config: { epochs: 2 },
      },
      [{ file: 'loss.svg', title: 'Training loss', caption: 'Loss "per" step.' }],
    );
    expect(html).toContain('<h1>A &#60;b&#62;run&#60;/b&#62; &#38; more</h1>');
    expect(html).toContain('<dt>steps</dt><dd>200</dd>');
    expect(html).toContain('<dt>images per second (median)</dt><dd>50.0</dd>');
    expect(html).toContain('<dt>kNN top-1 / top-5 after epoch 1</dt><dd>62.5% / 90.0%</dd>');
    expect(html).toContain('<dt>linear probe top-1 / top-5 after epoch 1</dt><dd>75.0% / 95.0%</dd>');
    expect(html).toContain('<th>kNN top-1</th><th>linear top-1</th></tr>');
    expect(html).not.toContain('top-5</th>');
    expect(html).toContain('<th scope="row">random &#60;init&#62;</th><td>–</td><td>31.3%</td>');
    expect(html).toContain(
      '<img src="loss.svg" alt="Training loss"><figcaption>Loss &#34;per&#34; step.</figcaption>',
    );
    expect(html).toContain('&#34;epochs&#34;: 2');
    expect(() => reportHtml({ history: [] } as never, [])).toThrow(SimclrError);
  });
});
