import type { CurveChartOptions, StepRecord } from '@simclr/eval/report';
import type { Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';

/** A curve spec of `@simclr/eval/report`: `lossChartSpec`, `contrastiveAccuracyChartSpec`, … */
export type CurveSpec = (history: readonly StepRecord[], options: CurveChartOptions) => TopLevelSpec;

/** The options of a curve spec that the chart sets itself. */
export type StepChartOptions = Omit<CurveChartOptions, 'width' | 'height'>;

/** Height of the plot area in pixels; the width follows the container. */
const HEIGHT = 170;

// vega, vega-lite and vega-embed are a chunk of their own, loaded when the first chart is drawn.
let embedModule: Promise<typeof import('vega-embed')> | undefined;
const loadEmbed = () => {
  embedModule ??= import('vega-embed');
  return embedModule;
};

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** The inline dataset of a curve spec, which holds its points (see `CurveChartOptions`). */
function curveData(spec: TopLevelSpec): { name: string; values: object[] } {
  const data = (spec as { data?: { name?: unknown; values?: unknown } }).data;
  if (typeof data?.name !== 'string' || !Array.isArray(data.values)) {
    throw new Error('a curve spec must hold its points as named inline data');
  }
  return { name: data.name, values: data.values as object[] };
}

/**
 * A live chart of the training history, drawn with vega-embed from a curve spec of
 * `@simclr/eval/report`, the same chart definition as the HTML report's.
 *
 * Updates stay cheap. A push only marks the chart stale; at most one update runs at a time, at most one
 * per animation frame, and steps that arrive meanwhile are drawn together by the next. An update builds
 * the spec from the history anew and, when only its data changed, hands the new rows to the running
 * Vega view (`view.data('steps', rows).runAsync()`); it embeds again only when the rest of the spec
 * changed: a reset, or the spec dropping its point markers past 60 points or averaging a long history
 * over windows.
 *
 * For tests, the container carries `data-points` (rows drawn), `data-embeds` and `data-updates` (how
 * many of each so far), `data-embed-ms` (time of the last embed) and `data-update-ms` (mean time of the
 * data updates: spec, comparison and the view's run).
 */
export class StepChart {
  readonly #container: HTMLElement;
  readonly #spec: CurveSpec;
  readonly #onError: (error: unknown) => void;
  #history: StepRecord[] = [];
  #options: StepChartOptions = {};
  #embedded: { result: Result; layout: string } | undefined;
  #stale = false;
  #busy = false;
  #embeds = 0;
  #updates = 0;
  #updateMs = 0;

  constructor(container: HTMLElement, spec: CurveSpec, onError: (error: unknown) => void) {
    this.#container = container;
    this.#spec = spec;
    this.#onError = onError;
    this.#schedule();
  }

  /** Empties the chart and sets its options, e.g. the run's total steps and a reference line. */
  reset(options: StepChartOptions): void {
    this.#history = [];
    this.#options = options;
    this.#schedule();
  }

  /**
   * Adds a step. A step at or before the last one drawn (a run resumed from an earlier checkpoint)
   * replaces the steps from there on.
   */
  push(record: StepRecord): void {
    const last = this.#history.at(-1);
    if (last !== undefined && record.step <= last.step) {
      this.#history = this.#history.filter((r) => r.step < record.step);
    }
    this.#history.push(record);
    this.#schedule();
  }

  #schedule(): void {
    this.#stale = true;
    if (this.#busy) return;
    this.#busy = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      do {
        await nextFrame();
        this.#stale = false;
        await this.#draw();
      } while (this.#stale);
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#busy = false;
    }
  }

  async #draw(): Promise<void> {
    const start = performance.now();
    const spec = this.#spec(this.#history, { ...this.#options, height: HEIGHT });
    const data = curveData(spec);
    const { data: _, ...rest } = spec as TopLevelSpec & { data: unknown };
    const layout = JSON.stringify(rest);
    const dataset = this.#container.dataset;
    if (this.#embedded?.layout === layout) {
      await this.#embedded.result.view.data(data.name, data.values).runAsync();
      this.#updateMs += performance.now() - start;
      this.#updates += 1;
      dataset.updates = String(this.#updates);
      dataset.updateMs = (this.#updateMs / this.#updates).toFixed(2);
    } else {
      const { default: embed } = await loadEmbed();
      this.#embedded?.result.finalize();
      this.#embedded = undefined;
      // The spec's own width gives way to the container's, so the chart follows the page's layout.
      const result = await embed(this.#container, { ...spec, width: 'container' } as TopLevelSpec, {
        renderer: 'svg',
        actions: { export: true, source: false, compiled: false, editor: false },
      });
      this.#embedded = { result, layout };
      this.#embeds += 1;
      dataset.embeds = String(this.#embeds);
      dataset.embedMs = (performance.now() - start).toFixed(2);
    }
    dataset.points = String(data.values.length);
  }
}
