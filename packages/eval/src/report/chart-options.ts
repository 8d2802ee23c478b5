/** Options shared by the curve figures. */
export interface CurveChartOptions {
  /** Width of the plot area in pixels. Default 520. */
  width?: number;
  /** Height of the plot area in pixels. Default 260. */
  height?: number;
  /** Points drawn at most; longer histories are averaged over windows of steps. Default 1000. */
  maxPoints?: number;
}
