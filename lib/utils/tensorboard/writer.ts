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
import type { Tensor } from '../../tensor.js';
import { checkSpec, renderRaster } from '../../toolkit/plot.js';
import { frombuffer } from '../../creation.js';
import { uint8 } from '../../dtype.js';
import { tidy } from '../../scope.js';

export interface SummaryWriterOptions {
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
  hparamDomainDiscrete?: Record<string, unknown[]>;
  runName?: string;
  globalStep?: number;
}

const WRITER_OPTIONS = ['comment', 'purgeStep', 'maxQueue', 'flushSecs', 'filenameSuffix'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Python's datetime.now().strftime("%b%d_%H-%M-%S"), local time.
function runTimestamp(d = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}`;
}

function checkOptions(fn: string, options: object, allowed: string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${fn}: options must be an object`);
  for (const k of Object.keys(options)) if (!allowed.includes(k)) throw new TypeError(`${fn}: unknown option '${k}' (expected ${allowed.join(', ')})`);
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

  constructor(logDir?: string | null, options: SummaryWriterOptions = {}) {
    const fn = 'SummaryWriter';
    checkOptions(fn, options, WRITER_OPTIONS);
    const { comment = '', purgeStep = null, maxQueue = 10, flushSecs = 120, filenameSuffix = '' } = options;
    if (logDir !== undefined && logDir !== null && typeof logDir !== 'string') throw new TypeError(`${fn}: logDir must be a string, got ${summary.describe(logDir)}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`${fn}: maxQueue must be a positive integer, got ${maxQueue}`);
    if (typeof flushSecs !== 'number' || !(flushSecs > 0)) throw new RangeError(`${fn}: flushSecs must be a positive number, got ${flushSecs}`);
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

  /** add_scalar(tag, scalar_value, global_step, walltime): a number or one-element Tensor. */
  addScalar(tag: string, scalarValue: unknown, globalStep?: number | null, walltime?: number | null, options: ScalarOptions = {}): void {
    const fn = 'SummaryWriter.addScalar';
    checkOptions(fn, options, ['newStyle', 'doublePrecision']);
    this.#addSummary(summary.scalar(checkTag(fn, tag), scalarValue, options), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /**
   * add_scalars(main_tag, tag_scalar_dict, global_step, walltime): each entry goes to its own run,
   * <logDir>/<mainTag with '/' as '_'>_<tag>, under the tag mainTag, so TensorBoard draws them in one chart.
   */
  addScalars(mainTag: string, tagScalarDict: Record<string, unknown>, globalStep?: number | null, walltime?: number | null): void {
    const fn = 'SummaryWriter.addScalars';
    checkTag(fn, mainTag);
    if (typeof tagScalarDict !== 'object' || tagScalarDict === null || Array.isArray(tagScalarDict)) throw new TypeError(`${fn}: tag_scalar_dict must be an object of numbers`);
    const step = checkStep(fn, globalStep);
    const wall = walltime ?? Date.now() / 1000;
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

  /** add_histogram(tag, values, global_step, bins='tensorflow', walltime, max_bins): bins may be 'tensorflow', a count, edges or a numpy estimator ('auto', 'fd', 'sturges', ...). */
  addHistogram(tag: string, values: unknown, globalStep?: number | null, bins: Bins = 'tensorflow', walltime?: number | null, maxBins: number | null = null): void {
    const fn = 'SummaryWriter.addHistogram';
    this.#addSummary(summary.histogram(checkTag(fn, tag), values, bins, maxBins), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /**
   * add_image(tag, img_tensor, global_step, walltime, dataformats='CHW'): float images in [0, 1]
   * (scaled by 255) or uint8; 1, 3 or 4 channels. Resolves once the PNG is encoded and queued.
   */
  addImage(tag: string, imgTensor: unknown, globalStep?: number | null, walltime?: number | null | { dataformats?: DataFormats }, dataformats: DataFormats = 'CHW'): Promise<void> {
    const fn = 'SummaryWriter.addImage';
    if (typeof walltime === 'object' && walltime !== null) {
      checkOptions(fn, walltime, ['dataformats']);
      dataformats = walltime.dataformats ?? 'CHW';
      walltime = undefined;
    }
    checkTag(fn, tag);
    const step = checkStep(fn, globalStep);
    const wall = walltime ?? Date.now() / 1000;
    // Pixels are taken now (the tensor may change after the call); only the PNG encoding waits.
    const hwc = summary.imageToHWC(fn, imgTensor, dataformats);
    return this.#getFileWriter().addPendingEvent(summary.image(tag, hwc).then((s) => this.#event(s, step, wall)));
  }

  /** add_images(tag, img_tensor, global_step, walltime, dataformats='NCHW'): a batch shown as one grid image (8 per row). */
  addImages(tag: string, imgTensor: unknown, globalStep?: number | null, walltime?: number | null | { dataformats?: DataFormats }, dataformats: DataFormats = 'NCHW'): Promise<void> {
    if (typeof walltime === 'object' && walltime !== null) {
      checkOptions('SummaryWriter.addImages', walltime, ['dataformats']);
      return this.addImage(tag, imgTensor, globalStep, undefined, walltime.dataformats ?? 'NCHW');
    }
    return this.addImage(tag, imgTensor, globalStep, walltime, dataformats);
  }

  /**
   * add_figure(tag, figure, global_step, close, walltime). matplotlib has no JS twin, so a figure is a
   * vega-lite spec (what toolkit.saveChart draws), or a list of them shown as one grid, 8 per row,
   * as PyTorch shows a list. Drawn on white and stored as RGB, as PyTorch's figure_to_image does.
   * `close` closes a matplotlib figure there; a spec holds nothing to close, so it is only checked.
   */
  addFigure(tag: string, figure: TopLevelSpec | TopLevelSpec[], globalStep?: number | null, close = true, walltime?: number | null): Promise<void> {
    const fn = 'SummaryWriter.addFigure';
    checkTag(fn, tag);
    const step = checkStep(fn, globalStep);
    if (typeof close !== 'boolean') throw new TypeError(`${fn}: close must be a boolean, got ${summary.describe(close)}`);
    const figures = Array.isArray(figure) ? figure : [figure];
    if (figures.length === 0) throw new RangeError(`${fn}: the list of figures is empty`);
    for (const f of figures) checkSpec(fn, f, 'a figure');
    const wall = walltime ?? Date.now() / 1000;
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
  addVideo(tag: string, vidTensor: unknown, globalStep?: number | null, fps = 4, walltime?: number | null): Promise<void> {
    const fn = 'SummaryWriter.addVideo';
    checkTag(fn, tag);
    const step = checkStep(fn, globalStep);
    if (typeof fps !== 'number' || !(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`${fn}: fps must be a positive number, got ${summary.describe(fps)}`);
    const wall = walltime ?? Date.now() / 1000;
    const frames = summary.videoToTHWC(fn, vidTensor); // taken now; only the GIF encoding waits
    return this.#getFileWriter().addPendingEvent(summary.video(tag, frames, fps).then((s) => this.#event(s, step, wall)));
  }

  /** add_audio(tag, snd_tensor, global_step, sample_rate=44100, walltime): a mono clip in [-1, 1] as a WAV file. */
  addAudio(tag: string, sndTensor: unknown, globalStep?: number | null, sampleRate = 44100, walltime?: number | null): void {
    const fn = 'SummaryWriter.addAudio';
    this.#addSummary(summary.audio(checkTag(fn, tag), sndTensor, sampleRate), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /**
   * add_mesh(tag, vertices, colors, faces, config_dict, global_step, walltime): a mesh or point cloud for
   * the Mesh dashboard; each part is B x N x 3 (faces: vertex indices; colors: 0-255), config_dict three.js's.
   */
  addMesh(tag: string, vertices: Tensor, colors?: Tensor | null, faces?: Tensor | null, configDict?: Record<string, unknown> | null, globalStep?: number | null, walltime?: number | null): void {
    const fn = 'SummaryWriter.addMesh';
    if (vertices === undefined || vertices === null) throw new TypeError(`${fn}: vertices must be a Tensor, got ${summary.describe(vertices)}`);
    this.#addSummary(summary.mesh(checkTag(fn, tag), { vertices, colors, faces }, configDict), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /** add_text(tag, text_string, global_step, walltime): shown by the Text dashboard (markdown). */
  addText(tag: string, textString: string, globalStep?: number | null, walltime?: number | null): void {
    const fn = 'SummaryWriter.addText';
    this.#addSummary(summary.text(checkTag(fn, tag), textString), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /**
   * add_pr_curve(tag, labels, predictions, global_step, num_thresholds=127, weights, walltime): a
   * precision-recall curve of binary labels against predicted probabilities in [0, 1].
   */
  addPrCurve(tag: string, labels: unknown, predictions: unknown, globalStep?: number | null, numThresholds = 127, weights?: unknown, walltime?: number | null): void {
    const fn = 'SummaryWriter.addPrCurve';
    this.#addSummary(summary.prCurve(checkTag(fn, tag), labels, predictions, numThresholds, weights), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /** add_pr_curve_raw: a PR curve from counts computed elsewhere (each row numThresholds long). */
  addPrCurveRaw(tag: string, truePositiveCounts: unknown, falsePositiveCounts: unknown, trueNegativeCounts: unknown, falseNegativeCounts: unknown,
    precision: unknown, recall: unknown, globalStep?: number | null, numThresholds = 127, _weights?: unknown, walltime?: number | null): void {
    const fn = 'SummaryWriter.addPrCurveRaw';
    const rows = [truePositiveCounts, falsePositiveCounts, trueNegativeCounts, falseNegativeCounts, precision, recall];
    this.#addSummary(summary.prCurveRaw(checkTag(fn, tag), rows, numThresholds), checkStep(fn, globalStep), walltime ?? undefined);
  }

  /**
   * add_custom_scalars(layout): the Custom Scalars dashboard's charts, each gathering scalar tags:
   * `{ category: { title: ['Multiline', tags] | ['Margin', [value, lower, upper]] } }`. Once per writer.
   */
  addCustomScalars(layout: summary.CustomScalarsLayout): void {
    this.#addSummary(summary.customScalars(layout), undefined, undefined);
  }

  /** add_custom_scalars_multilinechart(tags, category='default', title='untitled'). */
  addCustomScalarsMultilinechart(tags: string[], category = 'default', title = 'untitled'): void {
    this.addCustomScalars({ [category]: { [title]: ['Multiline', tags] } });
  }

  /** add_custom_scalars_marginchart(tags, category='default', title='untitled'): tags are [value, lower, upper]. */
  addCustomScalarsMarginchart(tags: string[], category = 'default', title = 'untitled'): void {
    if (!Array.isArray(tags) || tags.length !== 3) throw new RangeError(`SummaryWriter.addCustomScalarsMarginchart: Expected 3 tags, got ${Array.isArray(tags) ? tags.length : summary.describe(tags)}.`);
    this.addCustomScalars({ [category]: { [title]: ['Margin', tags] } });
  }

  /**
   * add_embedding(mat, metadata, label_img, global_step, tag='default', metadata_header): the points
   * (rows of a 2-D mat) for the Projector, in <logDir>/<step, 5 digits>/<tag>: tensors.tsv, metadata.tsv
   * (labels, or rows of columns under metadataHeader) and sprite.png (label_img, NCHW in [0, 1]).
   * The text files are written at once; the promise settles when the sprite is written too.
   */
  addEmbedding(mat: unknown, metadata?: unknown[] | Tensor | null, labelImg?: Tensor | null, globalStep?: number | null, tag = 'default', metadataHeader?: string[] | null): Promise<void> {
    const fn = 'SummaryWriter.addEmbedding';
    const checked = embedding.checkEmbedding(mat, metadata, labelImg);
    checkTag(fn, tag);
    const step = checkStep(fn, globalStep) ?? 0;
    // Everything that can fail on bad input is computed before the first file is written.
    const tsv = checked.metadata ? embedding.metadataTsv(checked.metadata, metadataHeader ?? null) : null;
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
  addHparams(hparamDict: Record<string, unknown>, metricDict: Record<string, unknown>, hparamDomainDiscrete?: Record<string, unknown[]> | AddHparamsOptions | null, runName?: string | null, globalStep?: number | null): void {
    const fn = 'SummaryWriter.addHparams';
    let domain = hparamDomainDiscrete ?? undefined;
    const keys = domain ? Object.keys(domain) : [];
    if (domain && keys.length > 0 && keys.every((k) => ['hparamDomainDiscrete', 'runName', 'globalStep'].includes(k)) && runName === undefined && globalStep === undefined) {
      const o = domain as AddHparamsOptions;
      ({ runName, globalStep } = o);
      domain = o.hparamDomainDiscrete;
    }
    const [experiment, sessionStart, sessionEnd] = summary.hparams(hparamDict as never, metricDict, (domain ?? {}) as Record<string, unknown[]>);
    const metrics = Object.entries(metricDict).map(([k, v]) => [k, summary.scalar(k, v)] as const); // checked before the run is made
    const step = checkStep(fn, globalStep);
    const run = runName ? runName : String(Date.now() / 1000);
    const w = new EventFileWriter(join(this.#getFileWriter().logDir, run), { maxQueue: this.maxQueue, flushSecs: this.flushSecs });
    try {
      for (const s of [experiment, sessionStart, sessionEnd]) this.#addSummary(s, step, undefined, w);
      for (const [, s] of metrics) this.#addSummary(s, step, undefined, w);
    } finally {
      void w.close();
    }
  }

  /**
   * add_graph(model, input_to_model): the model traced by torch.jit.trace, as a GraphDef for the Graphs
   * dashboard (nodes named by module scope, with their output shapes), plus the RunMetadata record.
   */
  addGraph(model: GraphInput['model'], inputToModel?: unknown, verbose = false): void {
    const w = this.#getFileWriter();
    const [graphDef, runMetadata] = graph({ model, inputs: inputToModel, verbose });
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
