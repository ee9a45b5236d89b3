// Charts: training curves as a vega-lite line chart (one line per series, legend, axes, title), and
// any vega-lite spec, compiled to vega, rendered headless to SVG and, for .png, rasterised by resvg.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe } from '../options.js';
import { writeError } from './_write_error.js';
// vega, vega-lite and resvg are loaded on first use: importing torchnode stays fast.

export type Series = Record<string, ArrayLike<number>>;

export interface PlotCurvesOptions {
  /** The curves by name: { train_loss: [...], val_loss: [...] }; point i is at x = xStart + i. */
  series?: Series;
  /**
   * Same as series, from a training history object: the fields that are arrays of numbers (or typed
   * arrays) are plotted; anything else (numbers, strings, arrays of strings or records) is ignored.
   */
  history?: Record<string, unknown>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** The x of each series' first point (1 for epochs counted from 1, the default). */
  xStart?: number;
  /**
   * A log-scale y axis (losses spanning decades). Points ≤ 0 have no place on it: they are left out,
   * as NaN and ±Infinity always are; a series with no positive value at all is an error.
   */
  logY?: boolean;
  width?: number;
  height?: number;
  /** Pixels per SVG unit of the PNG (2 gives a sharp image on high-density screens). */
  scale?: number;
}

// Fonts: the generic families resvg maps to fonts installed on the machine.
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

function seriesOf(fn: string, options: PlotCurvesOptions): [string, number[]][] {
  const source = options.series ?? options.history;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) throw new TypeError(`${fn}: expected { series: { name: number[] } } or { history }`);
  const isArray = (v: unknown): boolean => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (options.series) {
    for (const [name, v] of Object.entries(source)) if (!isArray(v)) throw new TypeError(`${fn}: series '${name}' must be an array of numbers`);
  }
  const all = Object.entries(source)
    .filter(([, v]) => isArray(v))
    .map(([name, v]) => [name, Array.from(v as ArrayLike<number>)] as [string, number[]]);
  const numeric = ([, values]: [string, number[]]): boolean => values.every((x) => typeof x === 'number');
  // An explicit series must hold numbers; a history's other arrays (tags, per-epoch records) are skipped.
  if (options.series) for (const entry of all) if (!numeric(entry)) throw new TypeError(`${fn}: series '${entry[0]}' must hold numbers`);
  const out = all.filter(numeric);
  if (out.length === 0 || out.every(([, v]) => v.length === 0)) throw new RangeError(`${fn}: nothing to plot: every series is empty`);
  return out;
}

/** The vega-lite spec plotCurves draws (exposed so that callers can adjust and render it themselves). */
export function curvesSpec(options: PlotCurvesOptions): TopLevelSpec {
  const fn = 'plotCurves';
  const series = seriesOf(fn, options);
  const { title = '', xLabel = 'epoch', yLabel = 'value', xStart = 1, logY = false, width = 560, height = 320 } = options;
  // A point that cannot be drawn (NaN, ±Infinity, or ≤ 0 on a log axis) is a null: vega-lite leaves it out.
  const drawable = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);
  if (logY)
    for (const [name, ys] of series)
      if (ys.length > 0 && !ys.some(drawable)) throw new RangeError(`${fn}: series '${name}' has no positive value to draw on a log y axis (logY)`);
  const values = series.flatMap(([name, ys]) => ys.map((y, i) => ({ series: name, x: xStart + i, y: drawable(y) ? y : null })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: title || undefined,
    width,
    height,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: values.length <= 200, strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xLabel, axis: { tickMinStep: 1, grid: true } },
      y: { field: 'y', type: 'quantitative', title: yLabel, scale: logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map(([name]) => name), legend: { orient: 'right' } },
    },
    config: { font: FONT, title: { fontSize: 16 }, axis: { labelFontSize: 11, titleFontSize: 13 }, legend: { labelFontSize: 12 } },
  } as TopLevelSpec;
}

/** Renders the curves to an SVG string. */
export async function curvesToSVG(options: PlotCurvesOptions): Promise<string> {
  return renderSVG('curvesToSVG', curvesSpec(options));
}

/** Renders any vega-lite spec to an SVG string (headless vega: no browser, no canvas). */
export async function chartToSVG(spec: TopLevelSpec): Promise<string> {
  return renderSVG('chartToSVG', spec);
}

/** Refuses anything but a plain spec object (what = how the caller's argument is called). */
export function checkSpec(fn: string, spec: unknown, what = 'spec'): void {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new TypeError(`${fn}: ${what} must be a vega-lite spec object, got ${describe(spec)}`);
}

async function renderSVG(fn: string, spec: TopLevelSpec): Promise<string> {
  checkSpec(fn, spec);
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  let parsed;
  try {
    parsed = vega.parse(vl.compile(spec).spec);
  } catch (e) {
    // vega-lite's own message can be a bare TypeError from deep inside it: say whose it is.
    throw new TypeError(`${fn}: vega-lite could not compile the spec: ${(e as Error).message}`);
  }
  const view = new vega.View(parsed, { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Saves training curves to `path` as PNG (.png) or SVG (.svg): one line per series with a legend,
 * axes with labels, and a title.
 *
 *   await toolkit.plotCurves('curves.png', { series: { train_loss, val_loss }, title: 'MNIST', yLabel: 'loss' });
 */
export async function plotCurves(path: string, options: PlotCurvesOptions): Promise<void> {
  const ext = checkChartPath('plotCurves', path);
  await writeChart('plotCurves', path, ext, curvesSpec(options), options.scale);
}

/**
 * Saves any vega-lite spec to `path` as PNG (.png, rasterised by resvg) or SVG (.svg): the renderer
 * behind plotCurves, for charts of your own (bars, scatter, facets).
 *
 *   await toolkit.saveChart('acc.svg', { data: { values }, mark: 'bar', encoding: { x: { field: 'k' }, y: { field: 'v', type: 'quantitative' } } });
 */
export async function saveChart(path: string, spec: TopLevelSpec, options?: { scale?: number }): Promise<void> {
  const ext = checkChartPath('saveChart', path);
  await writeChart('saveChart', path, ext, spec, options?.scale);
}

async function writeChart(fn: string, path: string, ext: '.png' | '.svg', spec: TopLevelSpec, scale: unknown = 1): Promise<void> {
  let bytes: string | Buffer;
  if (ext === '.svg') {
    checkScale(fn, scale);
    bytes = await renderSVG(fn, spec);
  } else bytes = (await renderRaster(fn, spec, scale)).asPng();
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    throw writeError(fn, path, err);
  }
}

/**
 * The chart drawn on white by resvg at `scale` pixels per SVG unit: RGBA pixels (`pixels`, `width`,
 * `height`) or a PNG (`asPng()`). Shared by saveChart's PNG path and SummaryWriter.addFigure; not
 * exported from the toolkit.
 */
export async function renderRaster(fn: string, spec: TopLevelSpec, scale: unknown = 1): Promise<{ pixels: Buffer; width: number; height: number; asPng(): Buffer }> {
  checkScale(fn, scale);
  const svg = await renderSVG(fn, spec);
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale as number },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
}

function checkScale(fn: string, scale: unknown): void {
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) throw new RangeError(`${fn}: scale must be a positive number, got ${String(scale)}`);
}

// The chart's file type from its name: '.png' or '.svg' (checked before anything is rendered).
function checkChartPath(fn: string, path: unknown): '.png' | '.svg' {
  if (typeof path !== 'string') throw new TypeError(`${fn}: path must be a string`);
  const ext = extname(path).toLowerCase();
  if (ext !== '.png' && ext !== '.svg') throw new RangeError(`${fn}: the file must end in .png or .svg, got '${path}'`);
  return ext;
}
