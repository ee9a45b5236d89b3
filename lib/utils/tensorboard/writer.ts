// torch.utils.tensorboard.SummaryWriter: the same files PyTorch's writer makes (directories, file
// names, records), written by EventFileWriter.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EventFileWriter } from './event_file_writer.js';
import * as summary from './summary.js';
import type { Bins, DataFormats, ScalarOptions, SummaryObject } from './summary.js';
import { graph, type GraphInput } from './graph.js';
import * as embedding from './embedding.js';
import type { TopLevelSpec } from 'vega-lite';
import { checkSpec, renderRaster } from '../../toolkit/plot.js';
import { frombuffer } from '../../creation.js';
import { uint8 } from '../../dtype.js';
import { tidy } from '../../scope.js';
import { bindArgs } from '../../functional/args.js';
import { isOptionsObject } from '../../options.js';
import type { PyArgs } from '../../nn/functional/_signature.js';
import { isTensor, type Tensor } from '../../tensor.js';

// As every option in the project: null stands for Python's None, a default is an option left out (an
// option set to undefined is refused, see readOptions); a positional undefined is a default left out.
/** A global step: an integer (a float is truncated, as Python's int(step)), or none (null). */
export type Step = number | bigint | null;
/** Seconds since the epoch for an event; null or left out: now. */
export type Walltime = number | null;

export interface SummaryWriterOptions {
  /** The directory of the event files (default runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>). */
  logDir?: string | null;
  /** Appended to the default log directory name (ignored when logDir is given). */
  comment?: string;
  /** Events of steps >= purgeStep from a crashed run are hidden by TensorBoard (a resumed run restarts there). */
  purgeStep?: number | null;
  /** Records held in memory before they are written. */
  maxQueue?: number;
  /** Seconds between automatic flushes. */
  flushSecs?: number;
  /** Appended to every event file name. */
  filenameSuffix?: string;
}

export interface AddHparamsOptions {
  hparamDomainDiscrete?: Record<string, unknown[]> | null;
  runName?: string | null;
  globalStep?: Step;
}

/** Python's global_step and walltime keywords, which most add* methods take. */
export interface StepOptions {
  globalStep?: Step;
  walltime?: Walltime;
}

type Bound<K extends string> = Partial<Record<K, unknown>>;
/** Python's argument list after the required arguments; undefined stands for a default left out. */
type Args<P extends readonly unknown[], O> = PyArgs<{ [I in keyof P]: P[I] | undefined }, O>;

/**
 * Binds an add* method's arguments after its `required` ones as Python does: positionals in order, then
 * one options object. Where a positional may itself be a plain object (add_mesh's config_dict,
 * add_hparams' hparam_domain_discrete), a trailing object with a key that is no option is that positional.
 */
function bindRest<K extends string>(fn: string, required: number, rest: readonly unknown[], names: readonly K[], plainPositional = false): Bound<K> {
  let n = rest.length;
  while (n > 0 && rest[n - 1] === undefined) n--;
  const last = rest[n - 1];
  const isPositional = plainPositional && n > 0 && isOptionsObject(last) && Object.keys(last).some((k) => !(names as readonly string[]).includes(k));
  return bindArgs(fn, isPositional ? [...rest.slice(0, n), {}] : rest, names, { count: names.length, leading: required });
}

function checkWalltime(fn: string, walltime: unknown): number {
  if (walltime === undefined || walltime === null) return Date.now() / 1000;
  if (typeof walltime !== 'number' || !Number.isFinite(walltime)) throw new TypeError(`${fn}: walltime must be a number of seconds, got ${summary.describe(walltime)}`);
  return walltime;
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Python's datetime.now().strftime("%b%d_%H-%M-%S"), local time.
function runTimestamp(d = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}`;
}

function checkStep(fn: string, step: unknown): number | undefined {
  if (step === undefined || step === null) return undefined;
  const n = typeof step === 'bigint' ? Number(step) : step;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`${fn}: global_step must be a number, got ${summary.describe(step)}`);
  return Math.trunc(n); // Python's int(step)
}

function checkTag(fn: string, tag: unknown): string {
  if (typeof tag !== 'string') throw new TypeError(`${fn}: tag must be a string, got ${summary.describe(tag)}`);
  return tag;
}

/**
 * Writes TensorBoard event files into logDir (default runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>).
 * Everything but addImage writes synchronously into the queue; addImage encodes the PNG with sharp
 * and returns a promise; flush() and close() write what is ready at once and return a promise that
 * settles when pending images are written too.
 */
export class SummaryWriter {
  readonly logDir: string;
  readonly maxQueue: number;
  readonly flushSecs: number;
  readonly filenameSuffix: string;
  #purgeStep: number | null;
  #fileWriter: EventFileWriter | null = null;
  // Every writer of this SummaryWriter by directory: the main one and addScalars' sub-writers.
  #allWriters = new Map<string, EventFileWriter>();
  // addEmbedding's entries (projector_config.pbtxt lists them all) and its sprites still being encoded.
  #embeddings: embedding.EmbeddingInfo[] = [];
  #pendingFiles = new Set<Promise<void>>();

  /** SummaryWriter(log_dir, comment, purge_step, max_queue, flush_secs, filename_suffix), positionally or as options. */
  constructor(...args: Args<[logDir: string | null | undefined, comment: string, purgeStep: number | null, maxQueue: number, flushSecs: number, filenameSuffix: string], SummaryWriterOptions>) {
    const fn = 'SummaryWriter';
    const o = bindRest(fn, 0, args, ['logDir', 'comment', 'purgeStep', 'maxQueue', 'flushSecs', 'filenameSuffix']);
    const { logDir = null, comment = '', purgeStep = null, maxQueue = 10, flushSecs = 120, filenameSuffix = '' } = o;
    if (logDir !== null && typeof logDir !== 'string') throw new TypeError(`${fn}: logDir must be a string, got ${summary.describe(logDir)}`);
    if (typeof comment !== 'string') throw new TypeError(`${fn}: comment must be a string, got ${summary.describe(comment)}`);
    if (typeof maxQueue !== 'number' || !Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`${fn}: maxQueue must be a positive integer, got ${summary.describe(maxQueue)}`);
    if (typeof flushSecs !== 'number' || !(flushSecs > 0)) throw new RangeError(`${fn}: flushSecs must be a positive number, got ${summary.describe(flushSecs)}`);
    this.logDir = logDir ? logDir : join('runs', `${runTimestamp()}_${hostname()}${comment}`);
    this.#purgeStep = checkStep(fn, purgeStep) ?? null;
    this.maxQueue = maxQueue;
    this.flushSecs = flushSecs;
    this.filenameSuffix = String(filenameSuffix);
    this.#getFileWriter();
  }

  /** The directory of the event files. */
  getLogdir(): string {
    return this.logDir;
  }

  // The main file writer, reopened (a new file) after close() as in PyTorch.
  #getFileWriter(): EventFileWriter {
    if (this.#fileWriter === null) {
      const w = this.#newWriter(this.logDir);
      this.#fileWriter = w;
      this.#allWriters = new Map([[this.logDir, w]]);
      if (this.#purgeStep !== null) {
        // Marks the restart: TensorBoard drops the earlier events of steps >= purgeStep.
        w.addEvent({ wall_time: Date.now() / 1000, step: this.#purgeStep, file_version: 'brain.Event:2' });
        w.addEvent({ wall_time: Date.now() / 1000, step: this.#purgeStep, session_log: { status: 'START' } });
        this.#purgeStep = null;
      }
    }
    return this.#fileWriter;
  }

  #newWriter(dir: string): EventFileWriter {
    return new EventFileWriter(dir, { maxQueue: this.maxQueue, flushSecs: this.flushSecs, filenameSuffix: this.filenameSuffix });
  }

  #event(s: SummaryObject, step: number | undefined, walltime: number | undefined): Record<string, unknown> {
    const e: Record<string, unknown> = { wall_time: walltime ?? Date.now() / 1000, summary: s };
    if (step !== undefined) e.step = step;
    return e;
  }

  #addSummary(s: SummaryObject, step: number | undefined, walltime: number | undefined, writer = this.#getFileWriter()): void {
    writer.addEvent(this.#event(s, step, walltime));
  }

  /** add_scalar(tag, scalar_value, global_step, walltime, new_style, double_precision): a number or one-element Tensor. */
  addScalar(tag: string, scalarValue: unknown, ...args: Args<[globalStep: Step, walltime: Walltime, newStyle: boolean, doublePrecision: boolean], StepOptions & ScalarOptions>): void {
    const fn = 'SummaryWriter.addScalar';
    const o = bindRest(fn, 2, args, ['globalStep', 'walltime', 'newStyle', 'doublePrecision']);
    for (const k of ['newStyle', 'doublePrecision'] as const)
      if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`${fn}: ${k} must be a boolean, got ${summary.describe(o[k])}`);
    const options = { newStyle: o.newStyle as boolean | undefined, doublePrecision: o.doublePrecision as boolean | undefined };
    this.#addSummary(summary.scalar(checkTag(fn, tag), scalarValue, options), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /**
   * add_scalars(main_tag, tag_scalar_dict, global_step, walltime): each entry goes to its own run,
   * <logDir>/<mainTag with '/' as '_'>_<tag>, under the tag mainTag, so TensorBoard draws them in one chart.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, unknown>, ...args: Args<[globalStep: Step, walltime: Walltime], StepOptions>): void {
    const fn = 'SummaryWriter.addScalars';
    const o = bindRest(fn, 2, args, ['globalStep', 'walltime']);
    checkTag(fn, mainTag);
    if (typeof tagScalarDict !== 'object' || tagScalarDict === null || Array.isArray(tagScalarDict)) throw new TypeError(`${fn}: tag_scalar_dict must be an object of numbers`);
    const step = checkStep(fn, o.globalStep);
    const wall = checkWalltime(fn, o.walltime);
    const summaries = Object.entries(tagScalarDict).map(([tag, v]) => [tag, summary.scalar(mainTag, v)] as const); // all checked before any write
    const base = this.#getFileWriter().logDir;
    for (const [tag, s] of summaries) {
      const dir = `${base}/${mainTag.replaceAll('/', '_')}_${tag}`;
      let w = this.#allWriters.get(dir);
      if (!w) {
        w = this.#newWriter(dir);
        this.#allWriters.set(dir, w);
      }
      this.#addSummary(s, step, wall, w);
    }
  }

  /** add_tensor(tag, tensor, global_step, walltime): the whole tensor, for the plugins that read one (plugin 'tensor'). */
  addTensor(tag: string, tensor: Tensor, ...args: Args<[globalStep: Step, walltime: Walltime], StepOptions>): void {
    const fn = 'SummaryWriter.addTensor';
    const o = bindRest(fn, 2, args, ['globalStep', 'walltime']);
    this.#addSummary(summary.tensorSummary(checkTag(fn, tag), tensor), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /** add_histogram(tag, values, global_step, bins='tensorflow', walltime, max_bins): bins may be 'tensorflow', a count, edges or a numpy estimator ('auto', 'fd', 'sturges', ...). */
  addHistogram(tag: string, values: unknown, ...args: Args<[globalStep: Step, bins: Bins, walltime: Walltime, maxBins: number | null], StepOptions & { bins?: Bins; maxBins?: number | null }>): void {
    const fn = 'SummaryWriter.addHistogram';
    const o = bindRest(fn, 2, args, ['globalStep', 'bins', 'walltime', 'maxBins']);
    const histogram = summary.histogram(checkTag(fn, tag), values, (o.bins ?? 'tensorflow') as Bins, (o.maxBins ?? null) as number | null);
    this.#addSummary(histogram, checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /** add_histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts, global_step, walltime): a histogram computed elsewhere. */
  addHistogramRaw(tag: string, min: number, max: number, num: number, sum: number, sumSquares: number, bucketLimits: ArrayLike<number> | Tensor, bucketCounts: ArrayLike<number> | Tensor,
    ...args: Args<[globalStep: Step, walltime: Walltime], StepOptions>): void {
    const fn = 'SummaryWriter.addHistogramRaw';
    const o = bindRest(fn, 8, args, ['globalStep', 'walltime']);
    const histogram = summary.histogramRaw(checkTag(fn, tag), { min, max, num, sum, sumSquares, bucketLimits, bucketCounts });
    this.#addSummary(histogram, checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /**
   * add_image(tag, img_tensor, global_step, walltime, dataformats='CHW'): float images in [0, 1]
   * (scaled by 255) or uint8; 1 (shown as RGB), 2 (gray and alpha), 3 or 4 channels. Resolves once the PNG is encoded and queued.
   */
  addImage(tag: string, imgTensor: unknown, ...args: Args<[globalStep: Step, walltime: Walltime, dataformats: DataFormats], StepOptions & { dataformats?: DataFormats }>): Promise<void> {
    return this.#image('SummaryWriter.addImage', tag, imgTensor, args, 'CHW');
  }

  /** add_images(tag, img_tensor, global_step, walltime, dataformats='NCHW'): a batch shown as one grid image (8 per row). */
  addImages(tag: string, imgTensor: unknown, ...args: Args<[globalStep: Step, walltime: Walltime, dataformats: DataFormats], StepOptions & { dataformats?: DataFormats }>): Promise<void> {
    return this.#image('SummaryWriter.addImages', tag, imgTensor, args, 'NCHW');
  }

  /**
   * add_image_with_boxes(tag, img_tensor, box_tensor, global_step, walltime, rescale=1, dataformats='CHW', labels):
   * the image with each box (rows of xmin, ymin, xmax, ymax, in pixels) outlined in red, 2 pixels wide, as
   * PyTorch draws them with PIL. Labels are not drawn (PIL's default font): non-empty ones are an Error.
   */
  addImageWithBoxes(tag: string, imgTensor: unknown, boxTensor: Tensor, ...args: Args<[globalStep: Step, walltime: Walltime, rescale: number, dataformats: DataFormats, labels: string | string[] | null],
    StepOptions & { rescale?: number; dataformats?: DataFormats; labels?: string | string[] | null }>): Promise<void> {
    const fn = 'SummaryWriter.addImageWithBoxes';
    const o = bindRest(fn, 3, args, ['globalStep', 'walltime', 'rescale', 'dataformats', 'labels']);
    checkTag(fn, tag);
    const step = checkStep(fn, o.globalStep);
    const wall = checkWalltime(fn, o.walltime);
    const rescale = o.rescale ?? 1;
    if (typeof rescale !== 'number' || !(rescale > 0) || !Number.isFinite(rescale)) throw new RangeError(`${fn}: rescale must be a positive number, got ${summary.describe(rescale)}`);
    let labels = (o.labels ?? null) as string | string[] | null;
    if (labels !== null && typeof labels !== 'string' && !(Array.isArray(labels) && labels.every((l) => typeof l === 'string'))) throw new TypeError(`${fn}: labels must be a string, an array of strings or null, got ${summary.describe(labels)}`);
    if (typeof labels === 'string') labels = [labels];
    if (labels !== null && isTensor(boxTensor) && labels.length !== boxTensor.shape[0]) labels = null; // PyTorch drops labels that do not pair with the boxes
    const hwc = summary.imageToHWC(fn, imgTensor, (o.dataformats ?? 'CHW') as DataFormats);
    const encoded = summary.imageBoxes(tag, hwc, boxTensor, rescale, labels);
    return this.#getFileWriter().addPendingEvent(encoded.then((s) => this.#event(s, step, wall)));
  }

  #image(fn: string, tag: string, imgTensor: unknown, args: readonly unknown[], defaultFormats: DataFormats): Promise<void> {
    const o = bindRest(fn, 2, args, ['globalStep', 'walltime', 'dataformats']);
    checkTag(fn, tag);
    const step = checkStep(fn, o.globalStep);
    const wall = checkWalltime(fn, o.walltime);
    // Pixels are taken now (the tensor may change after the call); only the PNG encoding waits.
    const hwc = summary.imageToHWC(fn, imgTensor, (o.dataformats ?? defaultFormats) as DataFormats);
    return this.#getFileWriter().addPendingEvent(summary.image(tag, hwc).then((s) => this.#event(s, step, wall)));
  }

  /**
   * add_figure(tag, figure, global_step, close, walltime). matplotlib has no JS twin, so a figure is a
   * vega-lite spec (what toolkit.saveChart draws), or a list of them shown as one grid, 8 per row,
   * as PyTorch shows a list. Drawn on white and stored as RGB, as PyTorch's figure_to_image does.
   * `close` closes a matplotlib figure there; a spec holds nothing to close, so it is only checked.
   */
  addFigure(tag: string, figure: TopLevelSpec | TopLevelSpec[], ...args: Args<[globalStep: Step, close: boolean, walltime: Walltime], StepOptions & { close?: boolean }>): Promise<void> {
    const fn = 'SummaryWriter.addFigure';
    const o = bindRest(fn, 2, args, ['globalStep', 'close', 'walltime']);
    checkTag(fn, tag);
    const step = checkStep(fn, o.globalStep);
    if (o.close !== undefined && typeof o.close !== 'boolean') throw new TypeError(`${fn}: close must be a boolean, got ${summary.describe(o.close)}`);
    const figures = Array.isArray(figure) ? figure : [figure];
    if (figures.length === 0) throw new RangeError(`${fn}: the list of figures is empty`);
    for (const f of figures) checkSpec(fn, f, 'a figure');
    const wall = checkWalltime(fn, o.walltime);
    const encoded = Promise.all(figures.map((f) => renderRaster(fn, f))).then((images) => {
      const { width, height } = images[0]!;
      const sizes = images.map((im) => `${im.width}x${im.height}`);
      if (new Set(sizes).size > 1) throw new RangeError(`${fn}: the figures of a list must have one size, got ${sizes.join(', ')}`);
      const rgb = Buffer.alloc(images.length * width * height * 3);
      images.forEach((im, k) => {
        const rgba = im.pixels; // resvg's getter copies the whole image: read it once
        for (let i = 0, o = k * width * height * 3; i < rgba.length; i += 4, o += 3) {
          rgb[o] = rgba[i]!;
          rgb[o + 1] = rgba[i + 1]!;
          rgb[o + 2] = rgba[i + 2]!;
        }
      });
      if (!Array.isArray(figure)) return summary.image(tag, { pixels: rgb, height, width, channels: 3 });
      const grid = tidy(() => summary.imageToHWC(fn, frombuffer(rgb, { dtype: uint8 }).view(images.length, height, width, 3), 'NHWC'));
      return summary.image(tag, grid);
    });
    // The slot is taken now, so the figure keeps its place among the calls around it.
    return this.#getFileWriter().addPendingEvent(encoded.then((s) => this.#event(s, step, wall)));
  }

  /**
   * add_video(tag, vid_tensor, global_step, fps=4, walltime): N x T x C x H x W, float in [0, 1] or
   * uint8, shown as an animated GIF with the batch in a grid. Resolves once the GIF is encoded and queued.
   */
  addVideo(tag: string, vidTensor: unknown, ...args: Args<[globalStep: Step, fps: number, walltime: Walltime], StepOptions & { fps?: number }>): Promise<void> {
    const fn = 'SummaryWriter.addVideo';
    const o = bindRest(fn, 2, args, ['globalStep', 'fps', 'walltime']);
    const fps = o.fps ?? 4;
    checkTag(fn, tag);
    const step = checkStep(fn, o.globalStep);
    if (typeof fps !== 'number' || !(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`${fn}: fps must be a positive number, got ${summary.describe(fps)}`);
    const wall = checkWalltime(fn, o.walltime);
    const frames = summary.videoToTHWC(fn, vidTensor); // taken now; only the GIF encoding waits
    return this.#getFileWriter().addPendingEvent(summary.video(tag, frames, fps).then((s) => this.#event(s, step, wall)));
  }

  /** add_audio(tag, snd_tensor, global_step, sample_rate=44100, walltime): a mono clip in [-1, 1] as a WAV file. */
  addAudio(tag: string, sndTensor: unknown, ...args: Args<[globalStep: Step, sampleRate: number, walltime: Walltime], StepOptions & { sampleRate?: number }>): void {
    const fn = 'SummaryWriter.addAudio';
    const o = bindRest(fn, 2, args, ['globalStep', 'sampleRate', 'walltime']);
    this.#addSummary(summary.audio(checkTag(fn, tag), sndTensor, (o.sampleRate ?? 44100) as number), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /**
   * add_mesh(tag, vertices, colors, faces, config_dict, global_step, walltime): a mesh or point cloud for
   * the Mesh dashboard; each part is B x N x 3 (faces: vertex indices; colors: 0-255), config_dict three.js's.
   */
  addMesh(tag: string, vertices: Tensor, ...args: Args<[colors: Tensor | null, faces: Tensor | null, configDict: Record<string, unknown> | null, globalStep: Step, walltime: Walltime],
    StepOptions & { colors?: Tensor | null; faces?: Tensor | null; configDict?: Record<string, unknown> | null }>): void {
    const fn = 'SummaryWriter.addMesh';
    const o = bindRest(fn, 2, args, ['colors', 'faces', 'configDict', 'globalStep', 'walltime'], true);
    if (!isTensor(vertices)) throw new TypeError(`${fn}: vertices must be a Tensor, got ${summary.describe(vertices)}`);
    const parts = { vertices, colors: o.colors as Tensor | null | undefined, faces: o.faces as Tensor | null | undefined };
    this.#addSummary(summary.mesh(checkTag(fn, tag), parts, o.configDict as Record<string, unknown> | null | undefined), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /** add_text(tag, text_string, global_step, walltime): shown by the Text dashboard (markdown). */
  addText(tag: string, textString: string, ...args: Args<[globalStep: Step, walltime: Walltime], StepOptions>): void {
    const fn = 'SummaryWriter.addText';
    const o = bindRest(fn, 2, args, ['globalStep', 'walltime']);
    this.#addSummary(summary.text(checkTag(fn, tag), textString), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /**
   * add_pr_curve(tag, labels, predictions, global_step, num_thresholds=127, weights, walltime): a
   * precision-recall curve of binary labels against predicted probabilities in [0, 1].
   */
  addPrCurve(tag: string, labels: unknown, predictions: unknown, ...args: Args<[globalStep: Step, numThresholds: number, weights: unknown, walltime: Walltime], StepOptions & { numThresholds?: number; weights?: unknown }>): void {
    const fn = 'SummaryWriter.addPrCurve';
    const o = bindRest(fn, 3, args, ['globalStep', 'numThresholds', 'weights', 'walltime']);
    const curve = summary.prCurve(checkTag(fn, tag), labels, predictions, (o.numThresholds ?? 127) as number, o.weights);
    this.#addSummary(curve, checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /** add_pr_curve_raw: a PR curve from counts computed elsewhere (each row numThresholds long; weights unused, as in PyTorch). */
  addPrCurveRaw(tag: string, truePositiveCounts: unknown, falsePositiveCounts: unknown, trueNegativeCounts: unknown, falseNegativeCounts: unknown, precision: unknown, recall: unknown,
    ...args: Args<[globalStep: Step, numThresholds: number, weights: unknown, walltime: Walltime], StepOptions & { numThresholds?: number; weights?: unknown }>): void {
    const fn = 'SummaryWriter.addPrCurveRaw';
    const o = bindRest(fn, 7, args, ['globalStep', 'numThresholds', 'weights', 'walltime']);
    const rows = [truePositiveCounts, falsePositiveCounts, trueNegativeCounts, falseNegativeCounts, precision, recall];
    this.#addSummary(summary.prCurveRaw(checkTag(fn, tag), rows, (o.numThresholds ?? 127) as number), checkStep(fn, o.globalStep), checkWalltime(fn, o.walltime));
  }

  /**
   * add_custom_scalars(layout): the Custom Scalars dashboard's charts, each gathering scalar tags:
   * `{ category: { title: ['Multiline', tags] | ['Margin', [value, lower, upper]] } }`. Once per writer.
   */
  addCustomScalars(layout: summary.CustomScalarsLayout): void {
    this.#addSummary(summary.customScalars(layout), undefined, undefined);
  }

  /** add_custom_scalars_multilinechart(tags, category='default', title='untitled'). */
  addCustomScalarsMultilinechart(tags: string[], ...args: Args<[category: string, title: string], { category?: string; title?: string }>): void {
    const o = bindRest('SummaryWriter.addCustomScalarsMultilinechart', 1, args, ['category', 'title']);
    this.addCustomScalars({ [String(o.category ?? 'default')]: { [String(o.title ?? 'untitled')]: ['Multiline', tags] } });
  }

  /** add_custom_scalars_marginchart(tags, category='default', title='untitled'): tags are [value, lower, upper]. */
  addCustomScalarsMarginchart(tags: string[], ...args: Args<[category: string, title: string], { category?: string; title?: string }>): void {
    const o = bindRest('SummaryWriter.addCustomScalarsMarginchart', 1, args, ['category', 'title']);
    if (!Array.isArray(tags) || tags.length !== 3) throw new RangeError(`SummaryWriter.addCustomScalarsMarginchart: Expected 3 tags, got ${Array.isArray(tags) ? tags.length : summary.describe(tags)}.`);
    this.addCustomScalars({ [String(o.category ?? 'default')]: { [String(o.title ?? 'untitled')]: ['Margin', tags] } });
  }

  /**
   * add_embedding(mat, metadata, label_img, global_step, tag='default', metadata_header): the points
   * (rows of a 2-D mat) for the Projector, in <logDir>/<step, 5 digits>/<tag>: tensors.tsv, metadata.tsv
   * (labels, or rows of columns under metadataHeader) and sprite.png (label_img, NCHW in [0, 1]).
   * The text files are written at once; the promise settles when the sprite is written too.
   */
  addEmbedding(mat: unknown, ...args: Args<[metadata: unknown[] | Tensor | null, labelImg: Tensor | null, globalStep: Step, tag: string, metadataHeader: string[] | null],
    { metadata?: unknown[] | Tensor | null; labelImg?: Tensor | null; globalStep?: Step; tag?: string; metadataHeader?: string[] | null }>): Promise<void> {
    const fn = 'SummaryWriter.addEmbedding';
    const o = bindRest(fn, 1, args, ['metadata', 'labelImg', 'globalStep', 'tag', 'metadataHeader']);
    const checked = embedding.checkEmbedding(mat, o.metadata as unknown[] | Tensor | null | undefined, o.labelImg as Tensor | null | undefined);
    const tag = checkTag(fn, o.tag ?? 'default');
    const step = checkStep(fn, o.globalStep) ?? 0;
    // Everything that can fail on bad input is computed before the first file is written.
    const tsv = checked.metadata ? embedding.metadataTsv(checked.metadata, (o.metadataHeader ?? null) as string[] | null) : null;
    const spritePixels = checked.labelImg ? embedding.spritePixels(checked.labelImg) : null;
    const matrix = embedding.matrixTsv(checked.mat);
    const logDir = this.#getFileWriter().logDir;
    const subdir = `${embedding.zfill5(step)}/${embedding.encodeTag(tag)}`;
    const dir = join(logDir, subdir);
    embedding.makeEmbeddingDir(dir);
    if (tsv !== null) embedding.writeFile(dir, 'metadata.tsv', tsv);
    let sprite = Promise.resolve();
    if (spritePixels) {
      sprite = embedding.spritePng(spritePixels).then((png) => embedding.writeFile(dir, 'sprite.png', png));
      const pending = sprite.finally(() => this.#pendingFiles.delete(pending));
      pending.catch(() => undefined); // the caller's promise (sprite) carries the error; flush()/close() see it too
      this.#pendingFiles.add(pending);
    }
    embedding.writeFile(dir, 'tensors.tsv', matrix);
    this.#embeddings.push({
      tensorName: `${tag}:${embedding.zfill5(step)}`,
      ...(tsv !== null ? { metadataPath: `${subdir}/metadata.tsv` } : {}),
      ...(checked.labelImg ? { sprite: { imagePath: `${subdir}/sprite.png`, singleImageDim: [checked.labelImg.shape[3]!, checked.labelImg.shape[2]!] as [number, number] } } : {}),
      tensorPath: `${subdir}/tensors.tsv`,
    });
    embedding.writeFile(logDir, 'projector_config.pbtxt', embedding.projectorConfigText(this.#embeddings));
    return sprite;
  }

  /**
   * add_hparams(hparam_dict, metric_dict, hparam_domain_discrete, run_name, global_step): a run in
   * <logDir>/<runName or the time> with the hparams plugin's three summaries and the metrics as scalars.
   */
  addHparams(hparamDict: Record<string, unknown>, metricDict: Record<string, unknown>,
    ...args: Args<[hparamDomainDiscrete: Record<string, unknown[]> | null, runName: string | null, globalStep: Step], AddHparamsOptions>): void {
    const fn = 'SummaryWriter.addHparams';
    const o = bindRest(fn, 2, args, ['hparamDomainDiscrete', 'runName', 'globalStep'], true);
    const domain = (o.hparamDomainDiscrete ?? {}) as Record<string, unknown[]>;
    const [experiment, sessionStart, sessionEnd] = summary.hparams(hparamDict as never, metricDict, domain);
    const metrics = Object.entries(metricDict).map(([k, v]) => [k, summary.scalar(k, v)] as const); // checked before the run is made
    const step = checkStep(fn, o.globalStep);
    if (o.runName !== undefined && o.runName !== null && typeof o.runName !== 'string') throw new TypeError(`${fn}: run_name must be a string, got ${summary.describe(o.runName)}`);
    const run = o.runName ? o.runName : String(Date.now() / 1000);
    const w = new EventFileWriter(join(this.#getFileWriter().logDir, run), { maxQueue: this.maxQueue, flushSecs: this.flushSecs });
    try {
      for (const s of [experiment, sessionStart, sessionEnd]) this.#addSummary(s, step, undefined, w);
      for (const [, s] of metrics) this.#addSummary(s, step, undefined, w);
    } finally {
      void w.close();
    }
  }

  /**
   * add_graph(model, input_to_model, verbose, use_strict_trace=true): the model traced by torch.jit.trace
   * in eval mode (its training mode restored after, as PyTorch does), as a GraphDef for the Graphs
   * dashboard (nodes named by module scope, with their output shapes), plus the RunMetadata record.
   */
  addGraph(model: GraphInput['model'], ...args: Args<[inputToModel: unknown, verbose: boolean, useStrictTrace: boolean], { inputToModel?: unknown; verbose?: boolean; useStrictTrace?: boolean }>): void {
    const fn = 'SummaryWriter.addGraph';
    const o = bindRest(fn, 1, args, ['inputToModel', 'verbose', 'useStrictTrace']);
    for (const k of ['verbose', 'useStrictTrace'] as const)
      if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`${fn}: ${k} must be a boolean, got ${summary.describe(o[k])}`);
    const w = this.#getFileWriter();
    const [graphDef, runMetadata] = graph({ model, inputs: o.inputToModel, verbose: o.verbose === true, strict: o.useStrictTrace !== false });
    const wall = Date.now() / 1000;
    w.addEvent({ wall_time: wall, graph_def: graphDef });
    w.addEvent({ wall_time: wall, tagged_run_metadata: { tag: 'step1', run_metadata: runMetadata } });
  }

  /** Writes every queued record; the promise settles once pending images are written as well. */
  flush(): Promise<void> {
    return Promise.all([...this.#allWriters.values()].map((w) => w.flush()).concat([...this.#pendingFiles])).then(() => undefined);
  }

  /** Flushes and closes every event file; a later add* opens a new file, as in PyTorch. */
  close(): Promise<void> {
    const writers = [...this.#allWriters.values()];
    this.#fileWriter = null;
    this.#allWriters = new Map();
    return Promise.all(writers.map((w) => w.close()).concat([...this.#pendingFiles])).then(() => undefined);
  }

  /** `using writer = new SummaryWriter(...)` closes it at block end (Python's `with`). */
  [Symbol.dispose](): void {
    void this.close();
  }
}
