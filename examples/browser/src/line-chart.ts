/** Options of {@link LineChart}. */
export interface LineChartOptions {
  /** Drawn in the top-left corner. */
  title: string;
  /** Colour of the series. Default a blue. */
  colour?: string;
  /** Points in the moving average drawn over the raw series. Default 10. */
  smoothing?: number;
  /** Digits after the decimal point of the y tick labels. Default 2. */
  digits?: number;
}

/** A horizontal dashed line with a label, e.g. the value a random embedding gets. */
export interface Reference {
  value: number;
  label: string;
}

const MARGIN = { left: 44, right: 10, top: 22, bottom: 22 };

/**
 * A minimal live line plot on a canvas: the raw series, its moving average, an optional reference line
 * and light axes. It redraws whole on every change, which costs far less than a training step.
 */
export class LineChart {
  readonly canvas: HTMLCanvasElement;
  readonly options: Required<LineChartOptions>;
  #xs: number[] = [];
  #ys: number[] = [];
  #xMax = 1;
  #reference: Reference | null = null;

  constructor(canvas: HTMLCanvasElement, options: LineChartOptions) {
    this.canvas = canvas;
    this.options = { colour: '#2563eb', smoothing: 10, digits: 2, ...options };
    this.draw();
  }

  /** Empties the chart; the x axis will span 0 … `xMax`. */
  reset(xMax: number, reference: Reference | null = null): void {
    this.#xs = [];
    this.#ys = [];
    this.#xMax = Math.max(1, xMax);
    this.#reference = reference;
    this.draw();
  }

  push(x: number, y: number): void {
    this.#xs.push(x);
    this.#ys.push(y);
    this.#xMax = Math.max(this.#xMax, x);
    this.draw();
  }

  draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth || 480;
    const height = this.canvas.clientHeight || 200;
    if (this.canvas.width !== Math.round(width * dpr)) this.canvas.width = Math.round(width * dpr);
    if (this.canvas.height !== Math.round(height * dpr)) this.canvas.height = Math.round(height * dpr);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#111827';
    ctx.fillText(this.options.title, MARGIN.left, 14);

    const values = this.#reference === null ? this.#ys : [...this.#ys, this.#reference.value];
    if (values.length === 0) {
      ctx.fillStyle = '#9ca3af';
      ctx.fillText('no steps yet', MARGIN.left, MARGIN.top + 20);
      return;
    }
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const px = (x: number) => MARGIN.left + (x / this.#xMax) * plotW;
    const py = (y: number) => MARGIN.top + (1 - (y - lo) / (hi - lo)) * plotH;

    ctx.strokeStyle = '#e5e7eb';
    ctx.fillStyle = '#6b7280';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = lo + ((hi - lo) * i) / 4;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, py(y));
      ctx.lineTo(width - MARGIN.right, py(y));
      ctx.stroke();
      // Rounded first, so a tick just below zero is not labelled "-0.00".
      const label = Number(y.toFixed(this.options.digits)) || 0;
      ctx.fillText(label.toFixed(this.options.digits), 2, py(y) + 4);
    }
    ctx.fillText('0', MARGIN.left, height - 6);
    const last = `step ${this.#xMax}`;
    ctx.fillText(last, width - MARGIN.right - ctx.measureText(last).width, height - 6);

    if (this.#reference !== null) {
      const y = py(this.#reference.value);
      ctx.strokeStyle = '#9ca3af';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(width - MARGIN.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillText(this.#reference.label, MARGIN.left + 4, y - 4);
    }

    const line = (ys: readonly number[], colour: string, lineWidth: number) => {
      if (ys.length === 0) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = lineWidth;
      ctx.beginPath();
      ys.forEach((y, i) => {
        if (i === 0) ctx.moveTo(px(this.#xs[i]!), py(y));
        else ctx.lineTo(px(this.#xs[i]!), py(y));
      });
      ctx.stroke();
    };
    ctx.globalAlpha = 0.35;
    line(this.#ys, this.options.colour, 1);
    ctx.globalAlpha = 1;
    line(movingAverage(this.#ys, this.options.smoothing), this.options.colour, 2);
  }
}

/** Mean of each point and up to `window − 1` points before it. */
function movingAverage(ys: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  ys.forEach((y, i) => {
    sum += y;
    if (i >= window) sum -= ys[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}
