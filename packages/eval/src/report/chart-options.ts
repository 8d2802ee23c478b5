/**
 * Options shared by the curve figures. A curve's points are the spec's top-level inline data, named
 * `steps`, with rows `{ step, value }`: a live Vega view of the spec can replace them with
 * `view.data('steps', rows)`.
 */
export interface CurveChartOptions {
  /** Width of the plot area in pixels. Default 520. */
  width?: number;
  /** Height of the plot area in pixels. Default 260. */
  height?: number;
  /** Points drawn at most; longer histories are averaged over windows of steps. Default 1000. */
  maxPoints?: number;
  /**
   * The x axis spans 0 … `steps`, e.g. the run's total steps, so that a chart drawn while the run goes
   * on keeps its scale and shows how far it has come. A positive integer. Default: 0 … the last logged
   * step (rounded to a nice number).
   */
  steps?: number;
  /**
   * A dashed horizontal line at `value` with `label` written on it, e.g. the loss or the accuracy of an
   * embedding that tells the views apart no better than chance. The y axis always includes it.
   */
  reference?: { value: number; label: string };
  /**
   * Points of a trailing moving average drawn over the curve, which is then drawn faint: point i is the
   * mean of points i − smoothing + 1 … i (fewer at the start). Points are steps, or windows of steps when
   * the history is longer than `maxPoints`. A positive integer; 1 draws the curve alone. Default 1.
   */
  smoothing?: number;
}
