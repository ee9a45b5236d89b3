// torch.utils.tensorboard.SummaryWriter against Python's (torch 2.13 + tensorboard 2.21): the same
// calls give the same events (test/fixtures/tensorboard-python.json, scripts/make-tensorboard-fixtures.py),
// the same serialized bytes where no float sum or PNG encoder is involved, and the TFRecord framing
// reproduces a Python event file byte for byte.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { frameRecord, maskedCrc32c, readRecords } from '../lib/utils/tensorboard/record.js';
import { decodeMessage } from '../lib/utils/tensorboard/proto.js';
import * as summaryLib from '../lib/utils/tensorboard/summary.js';
import type { Step, Walltime } from '../lib/utils/tensorboard/writer.js';

const { SummaryWriter } = torch.utils.tensorboard;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const readEvents = (path: string): Json[] => torch.utils.tensorboard.readEvents(path) as Json[];
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
type PyVideo = { shape: [number, number, number, number]; fps: number; frames: string };
const py = JSON.parse(readFileSync(join(fixtures, 'tensorboard-python.json'), 'utf8')) as { runs: Record<string, Json[]>; embeddingFiles: Record<string, { text?: string; png?: string }>; videos: PyVideo[] };
const root = mkdtempSync(join(tmpdir(), 'torchnode-tb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Every event file under dir, by run directory (relative), events in file order.
function runs(dir: string): Record<string, Json[]> {
  const out: Record<string, Json[]> = {};
  for (const f of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (!f.includes('tfevents')) continue;
    const run = relative(dir, join(dir, f, '..')) || '.';
    (out[run] ??= []).push(...readEvents(join(dir, f)));
    out[run].forEach((e, i) => (e.raw = readRecords(join(dir, f))[i]));
  }
  return out;
}

// Our decoded objects in MessageToDict's form: bytes as base64, google.protobuf.Value/ListValue as JSON.
function normalize(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const o = v as Json;
    for (const k of ['numberValue', 'stringValue', 'boolValue']) if (k in o && Object.keys(o).length === 1) return o[k];
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, k === 'domain_discrete' ? (x.values as unknown[]).map(normalize) : normalize(x)]));
  }
  return v;
}

// What may differ: file_version/hparams wall times (now), the writer's name, PNG bytes and the float
// sums of histograms (numpy's pairwise summation and BLAS dot vs one sequential sum).
function strip(e: Json): Json {
  const c = structuredClone(e);
  if (c.wall_time > 1e9) delete c.wall_time;
  delete c.source_metadata;
  delete c.raw;
  for (const v of c.summary?.value ?? []) {
    // MessageToDict prints float32 fields in float32's shortest form (0.33333334).
    if (typeof v.simple_value === 'number') v.simple_value = Math.fround(v.simple_value);
    if (v.tensor?.float_val) v.tensor.float_val = v.tensor.float_val.map(Math.fround);
    // A map's wire order is the writer's choice (Python's upb hashes keys): compared decoded only.
    if (v.metadata?.plugin_data?.decoded?.session_start_info) delete v.metadata.plugin_data.content;
    if (v.image) delete v.image.encoded_image_string;
    if (v.histo) {
      delete v.histo.sum;
      delete v.histo.sum_squares;
    }
  }
  return c;
}

async function pixels(png: Buffer): Promise<Buffer> {
  return (await sharp(png).raw().toBuffer({ resolveWithObject: true })).data;
}

// The fixture's add_video calls, in order: tag, video, step, fps, walltime.
function videoCases(): [string, torch.Tensor, number, number | undefined, number][] {
  torch.manualSeed(3);
  return [
    ['float_pair', torch.rand(2, 3, 3, 8, 6), 1, undefined, 170.0],
    ['uint8_all_values', torch.arange(768).remainder(256).to(torch.uint8).reshape(1, 2, 3, 8, 16), 2, undefined, 171.0],
    ['uint8_three', torch.randint(0, 256, [3, 2, 3, 4, 5], { dtype: torch.uint8 }), 3, 10, 172.0],
    ['gray_five', torch.linspace(-0.5, 1.5, 90, { dtype: torch.float64 }).reshape(5, 2, 1, 3, 3), 4, 2.5, 173.0],
    ['sixteen', torch.rand(16, 2, 3, 4, 4), 5, 30, 174.0],
    ['rgba', torch.rand(1, 2, 4, 3, 5), 6, undefined, 175.0],
  ];
}
async function writeVideos(logDir: string): Promise<void> {
  const v = new SummaryWriter(logDir);
  await Promise.all(videoCases().map(([tag, video, step, fps, walltime]) => v.addVideo(tag, video, step, fps, walltime)));
  await v.close();
}

describe('SummaryWriter writes what PyTorch writes', () => {
  const dir = join(root, 'same');
  let ours: Record<string, Json[]>;

  it('repeats the fixture calls', async () => {
    const w = new SummaryWriter(join(dir, 'main'));
    for (let i = 0; i < 5; i++) w.addScalar('loss', 1 / (i + 1), i, 100.0 + i);
    w.addScalar('tensor_scalar', torch.tensor(2.5), 7, 107.5);
    w.addScalar('new_style', 0.1, 8, 108.0, { newStyle: true });
    w.addScalar('new_style_double', 0.1, 9, 109.0, { newStyle: true, doublePrecision: true });
    torch.manualSeed(0);
    w.addHistogram('weights', torch.randn(1000), 3, 'tensorflow', 110.0);
    w.addHistogram('ten_bins', torch.randn(100).mul(3).add(1), 4, 10, 111.0);
    w.addHistogram('max_bins', torch.randn(500), 5, 'tensorflow', 112.0, 64);
    w.addHistogram('edges', [0.5, 1.5, 1.5, 2.0, 7.0], 6, [0, 1, 2, 3], 113.0);
    w.addHistogram('constant', torch.full([10], 3.0), 7, 4, 114.0);
    const images = [
      w.addImage('chw_float', torch.rand(3, 8, 10), 1, 120.0),
      w.addImage('hwc_uint8', torch.randint(0, 256, [6, 5, 3], { dtype: torch.uint8 }), 2, 121.0, 'HWC'),
      w.addImage('hw_gray', torch.linspace(-0.5, 1.5, 12).reshape(3, 4), 3, 122.0, 'HW'),
      w.addImage('rgba', torch.rand(4, 3, 2), 4, 123.0),
      w.addImages('grid', torch.rand(10, 1, 4, 3), 5, 124.0),
      w.addImages('grid_nhwc', torch.randint(0, 256, [3, 2, 5, 3], { dtype: torch.uint8 }), 6, 125.0, 'NHWC'),
    ];
    w.addText('note', 'hello **world** ü', 2, 130.0);
    w.addScalars('run/x', { a: 1.0, b: 2.5 }, 5, 140.0);
    torch.manualSeed(1);
    const [labels, predictions] = [torch.randint(0, 2, [100]), torch.rand(100)];
    w.addPrCurve('pr', labels, predictions, 1, undefined, undefined, 160.0);
    w.addPrCurve('pr_10', labels, predictions, 2, 10, undefined, 161.0);
    w.addPrCurve('pr_weighted', labels.bool(), predictions.double(), 3, 50, torch.linspace(0.5, 2.0, 100, { dtype: torch.float64 }), 162.0);
    w.addPrCurve('pr_on_thresholds', torch.arange(100).remainder(2), torch.arange(100.0).div(126), 4, undefined, undefined, 162.5);
    w.addPrCurve('pr_one', labels, predictions, 4, 1, undefined, 162.75);
    w.addPrCurve('pr_capped', labels, predictions.mul(1.2).sub(0.1), 4, 500, undefined, 163.0);
    w.addPrCurveRaw('pr_raw', [10, 8, 3], [5, 2, 0], [0, 3, 5], [0, 2, 7], [0.66, 0.8, 1.0], [1.0, 0.8, 0.3], 5, 3, undefined, 164.0);
    w.addAudio('sine', torch.sin(torch.linspace(0, 20, 400)).mul(0.8), 6, 8000, 165.0);
    w.addAudio('loud', torch.linspace(-1.5, 1.5, 31, { dtype: torch.float64 }).reshape(1, 31), 7, undefined, 166.0);
    w.addAudio('steps', torch.arange(-50, 51).div(32767), 8, undefined, 167.0);
    const vertices = torch.tensor([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], { dtype: torch.float });
    const colors = torch.tensor([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]], { dtype: torch.int });
    const faces = torch.tensor([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], { dtype: torch.int });
    w.addMesh('my_mesh', vertices, colors, faces, null, 9, 168.0);
    w.addMesh('cloud', torch.rand(1, 5, 3), null, null, { camera: { cls: 'PerspectiveCamera', fov: 75 }, material: { cls: 'PointsMaterial', size: 0.5 }, name: 'é"q' }, 10, 169.0);
    w.addCustomScalars({ Taiwan: { twse: ['Multiline', ['twse/0050', 'twse/2330']] },
      USA: { dow: ['Margin', ['dow/aaa', 'dow/bbb', 'dow/ccc']], nasdaq: ['Multiline', ['nasdaq/aaa']] } });
    w.addCustomScalarsMultilinechart(['loss', 'run/x']);
    w.addCustomScalarsMarginchart(['a', 'b', 'c'], 'cat', 'margins');
    w.addHparams({ lr: 0.1, bs: 32, opt: 'sgd', flag: true, skip: null }, { 'hparam/acc': 0.9 }, { hparamDomainDiscrete: { opt: ['sgd', 'adam'], bs: [16, 32] }, runName: 'hp', globalStep: 3 });
    await Promise.all(images);
    await w.close();
    const e = new SummaryWriter(join(dir, 'embed'));
    torch.manualSeed(2);
    const mat = torch.randn(5, 3);
    mat.select(0, 0).copy_(torch.tensor([1e-5, 3.0, 1e17]));
    const sprites = [
      e.addEmbedding(mat, [0, 1, 'x', 2.5, true], torch.rand(5, 1, 4, 3), 3, 'emb/a ü'),
      e.addEmbedding(torch.arange(6).reshape(3, 2), [['a', 1], ['b', 2], ['c', 3]], null, null, 'default', ['name', 'id']),
      e.addEmbedding(torch.randn(4, 2, { dtype: torch.float64 }), null, torch.randint(0, 256, [4, 3, 2, 3], { dtype: torch.uint8 }), 12, 'q"uote\\back%'),
      e.addEmbedding(torch.tensor([[true, false]]), torch.tensor([7]), null, 1, 'one'),
      e.addEmbedding(torch.tensor([[2n ** 60n + 1n, -3n]]), null, null, 2, 'big'),
    ];
    await Promise.all(sprites);
    await e.close();
    await writeVideos(join(dir, 'video'));
    const h = new SummaryWriter(join(dir, 'estimators'));
    const k = torch.arange(300).mul(7919).remainder(1000).float().div(37).sub(5);
    const skewed = k.mul(k).mul(k).div(50);
    (['auto', 'fd', 'doane', 'scott', 'stone', 'rice', 'sturges', 'sqrt'] as const).forEach((name, i) => h.addHistogram(name, skewed, i, name, 180.0 + i));
    h.addHistogram('auto_constant', torch.full([10], 3.0), 8, 'auto', 188.0);
    h.addHistogram('fd_tied', torch.tensor([1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 9.0], { dtype: torch.float32 }), 9, 'fd', 189.0);
    await h.close();
    const p = new SummaryWriter(join(dir, 'purged'), { purgeStep: 42 });
    p.addScalar('resumed', 1.0, 42, 150.0);
    await p.close();
    ours = runs(dir);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(py.runs).sort());
  });

  it('gives the same events (values, steps, tags, plugin data, hparams)', () => {
    for (const [run, events] of Object.entries(py.runs)) {
      expect(ours[run].length, run).toBe(events.length);
      events.forEach((e, i) => expect(strip(normalize(ours[run][i]) as Json), `${run} #${i}`).toEqual(strip(e)));
    }
  });

  it('serializes scalar and text events to the same bytes', () => {
    let compared = 0;
    for (const [run, events] of Object.entries(py.runs))
      events.forEach((e, i) => {
        const v = e.summary?.value?.[0];
        if (e.wall_time > 1e9 || !v || v.histo || v.image) return;
        expect(readRecords(frameRecord(ours[run][i].raw as Buffer))[0].toString('base64'), `${run} #${i}`).toBe(e.raw);
        compared++;
      });
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it('gives histogram sums within float64 rounding', () => {
    const histos = py.runs.main.filter((e) => e.summary?.value?.[0]?.histo);
    expect(histos.length).toBe(5);
    for (const e of histos) {
      const mine = ours.main.find((o) => o.summary?.value?.[0]?.tag === e.summary.value[0].tag)!.summary.value[0].histo;
      expect(mine.sum).toBeCloseTo(e.summary.value[0].histo.sum, 9);
      expect(mine.sum_squares / e.summary.value[0].histo.sum_squares).toBeCloseTo(1, 12);
    }
  });

  it('addEmbedding writes the Projector\'s files as PyTorch does: the same text, sprites of the same pixels', async () => {
    const base = join(dir, 'embed');
    const files = (readdirSync(base, { recursive: true }) as string[]).filter((f) => !f.includes('tfevents') && f.includes('.')).sort();
    expect(files).toEqual(Object.keys(py.embeddingFiles).sort());
    for (const [name, want] of Object.entries(py.embeddingFiles)) {
      if (want.text !== undefined) expect(readFileSync(join(base, name), 'utf8'), name).toBe(want.text);
      else expect(await pixels(readFileSync(join(base, name))), name).toEqual(await pixels(Buffer.from(want.png!, 'base64')));
    }
  });

  it('encodes images whose pixels equal PIL-encoded ones', async () => {
    const images = py.runs.main.filter((e) => e.summary?.value?.[0]?.image);
    expect(images.length).toBe(6);
    for (const e of images) {
      const theirs = e.summary.value[0].image;
      const mine = ours.main.find((o) => o.summary?.value?.[0]?.tag === e.summary.value[0].tag)!.summary.value[0].image;
      expect(mine.encoded_image_string.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
      expect(await pixels(mine.encoded_image_string)).toEqual(await pixels(Buffer.from(theirs.encoded_image_string, 'base64')));
    }
  });
});

describe('addVideo', () => {
  const cases = videoCases();

  it('lays out the frames as summary.video does: the batch as a grid, uint8 through float32', () => {
    expect(cases.map(([tag]) => tag)).toEqual(py.runs.video!.filter((e) => e.summary?.value?.[0]?.image).map((e) => e.summary.value[0].tag));
    cases.forEach(([tag, video], i) => {
      const want = py.videos[i]!;
      const ours = summaryLib.videoToTHWC('addVideo', video);
      expect([ours.frames, ours.height, ours.width, ours.channels], tag).toEqual(want.shape);
      expect(ours.pixels.equals(Buffer.from(want.frames, 'base64')), tag).toBe(true);
    });
  });

  it('stores a looping GIF of 1/fps a frame that decodes to those frames', async () => {
    const dir = join(root, 'video-gif');
    await writeVideos(dir);
    const events = runs(dir)['.']!;
    let exact = 0;
    for (const [i, [tag]] of cases.entries()) {
      const want = py.videos[i]!;
      const [t, h, w, c] = want.shape;
      const gif = events.find((e) => e.summary?.value?.[0]?.tag === tag)!.summary.value[0].image.encoded_image_string as Buffer;
      expect(gif.subarray(0, 6).toString('latin1'), tag).toBe('GIF89a');
      const meta = await sharp(gif).metadata();
      expect([meta.pages, meta.pageHeight ?? meta.height, meta.width, meta.loop, meta.delay], tag).toEqual([t, h, w, 0, new Array(t).fill(10 * Math.round(100 / want.fps))]);
      const decoded = await sharp(gif, { pages: -1 }).raw().toBuffer({ resolveWithObject: true });
      const expected = Buffer.from(want.frames, 'base64');
      const stride = decoded.info.channels;
      let worst = 0, colours = 0; // the most colours in one frame
      for (let f = 0; f < t; f++) {
        const seen = new Set<string>();
        for (let p = f * h * w; p < (f + 1) * h * w; p++) {
          const px = expected.subarray(p * c, p * c + Math.min(c, 3)); // the alpha channel is left out, as moviepy does
          seen.add(px.toString('hex'));
          for (let k = 0; k < Math.min(c, 3); k++) worst = Math.max(worst, Math.abs(decoded.data[p * stride + k]! - px[c === 1 ? 0 : k]!));
        }
        colours = Math.max(colours, seen.size);
      }
      // A GIF palette holds 255 colours besides the transparent one: fewer come back exactly, more within quantization.
      if (colours <= 255) {
        expect(worst, tag).toBe(0);
        exact++;
      } else {
        expect(worst, tag).toBeLessThanOrEqual(32);
      }
    }
    expect(exact).toBe(5);
  });

  it('rejects what is not an N x T x C x H x W video, and a bad fps, before writing', async () => {
    const dir = join(root, 'video-bad');
    const w = new SummaryWriter(dir);
    expect(() => w.addVideo('v', torch.rand(2, 3, 8, 8))).toThrow(/vid_tensor must be N x T x C x H x W \(5 dimensions\), got shape \[2, 3, 8, 8\]/);
    expect(() => w.addVideo('v', [[1]] as never)).toThrow(/vid_tensor must be a Tensor/);
    expect(() => w.addVideo('v', torch.rand(1, 2, 5, 4, 4))).toThrow(/a video needs 1, 3 or 4 channels \(C, the third dimension\), got 5/);
    expect(() => w.addVideo('v', torch.rand(1, 0, 3, 4, 4))).toThrow(/vid_tensor is empty/);
    expect(() => w.addVideo('v', torch.rand(1, 2, 3, 4, 4), 0, 0)).toThrow(/fps must be a positive number, got number 0\b/);
    expect(() => w.addVideo('v', torch.rand(1, 2, 3, 4, 4), 0, Number.NaN)).toThrow(/fps must be a positive number/);
    await w.close();
    const events = runs(dir)['.'] ?? [];
    expect(events.filter((e) => e.summary)).toEqual([]);
  });
});

describe('event files', () => {
  it('frames records as TensorFlow does: a Python event file re-framed byte for byte', () => {
    const file = readFileSync(join(fixtures, 'tensorboard-python.tfevents'));
    const records = readRecords(file);
    expect(records.length).toBe(4);
    expect(Buffer.concat(records.map(frameRecord))).toEqual(file);
    expect(decodeMessage('tensorboard.Event', records[0]).file_version).toBe('brain.Event:2');
    // CRC32C check value of "123456789" is 0xE3069283; masked: rotated right 15 bits + 0xa282ead8.
    const crc = 0xe3069283;
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });

  it('rejects a corrupt or torn file naming the offset', () => {
    const file = readFileSync(join(fixtures, 'tensorboard-python.tfevents'));
    const flipped = Buffer.from(file);
    flipped[20] ^= 1;
    expect(() => readRecords(flipped)).toThrow(/data CRC mismatch at byte 0/);
    const badLength = Buffer.from(file);
    badLength[0] ^= 1;
    expect(() => readRecords(badLength)).toThrow(/length CRC mismatch at byte 0/);
    expect(() => readRecords(file.subarray(0, file.length - 3))).toThrow(/truncated record data/);
  });

  it('names files events.out.tfevents.<secs>.<host>.<pid>.<n><suffix> and starts with brain.Event:2', async () => {
    const dir = join(root, 'names');
    const w = new SummaryWriter(dir, { filenameSuffix: '.v2' });
    await w.close();
    const [name] = readdirSync(dir);
    const m = /^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$/.exec(name);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(hostname());
    expect(Number(m![3])).toBe(process.pid);
    const [first] = readEvents(join(dir, name));
    expect(first.file_version).toBe('brain.Event:2');
  });

  it('defaults logDir to runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const w = new SummaryWriter(null, { comment: '_lr0.1' });
      expect(w.logDir).toMatch(new RegExp(`^runs/[A-Z][a-z]{2}\\d{2}_\\d{2}-\\d{2}-\\d{2}_${hostname().replace(/\./g, '\\.')}_lr0\\.1$`));
      expect(existsSync(join(root, w.logDir))).toBe(true);
      await w.close();
    } finally {
      process.chdir(cwd);
    }
  });

  it('holds up to maxQueue records, then writes; flush() writes the rest; reopens after close()', async () => {
    const dir = join(root, 'queue');
    const w = new SummaryWriter(dir, { maxQueue: 3 });
    const file = (): string => join(dir, readdirSync(dir).sort()[0]);
    const count = (): number => readRecords(file()).length;
    expect(count()).toBe(1); // the file_version record is written at once
    w.addScalar('a', 1, 1);
    w.addScalar('a', 2, 2);
    expect(count()).toBe(1);
    w.addScalar('a', 3, 3);
    expect(count()).toBe(4);
    w.addScalar('a', 4, 4);
    await w.flush();
    expect(count()).toBe(5);
    await w.close();
    w.addScalar('a', 5, 5); // a new file, as PyTorch's writer recreates its FileWriter
    await w.close();
    expect(readdirSync(dir).length).toBe(2);
  });

  it('writes pending records at process exit', () => {
    const dir = join(root, 'exit');
    const script = join(root, 'exit.mts');
    writeFileSync(script, `import * as torch from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).pathname)};\nconst w = new torch.utils.tensorboard.SummaryWriter(${JSON.stringify(dir)});\nw.addScalar('x', 1.5, 1);\n`);
    execFileSync(process.execPath, ['--import', 'tsx', script], { stdio: 'pipe' });
    const events = readEvents(join(dir, readdirSync(dir)[0]));
    expect(events.map((e) => e.summary?.value?.[0]?.simple_value)).toEqual([undefined, 1.5]);
    // an image still being encoded at exit: the records behind it are written all the same
    const dir2 = join(root, 'exit-pending');
    writeFileSync(script, `import * as torch from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).pathname)};\nconst w = new torch.utils.tensorboard.SummaryWriter(${JSON.stringify(dir2)});\n` +
      `void w.addImage('i', torch.rand(3, 64, 64), 0);\nfor (let i = 0; i < 20; i++) w.addScalar('x', i, i);\nw.addText('t', 'done');\nprocess.exit(0);\n`);
    execFileSync(process.execPath, ['--import', 'tsx', script], { stdio: 'pipe' });
    const tags = readEvents(join(dir2, readdirSync(dir2)[0])).map((e) => e.summary?.value?.[0]?.tag).filter(Boolean);
    expect(tags.filter((t) => t === 'x').length).toBe(20);
    expect(tags).toContain('t/text_summary');
  });

  it('a logDir that cannot be made is an error, not a hang (recursive mkdirSync spins forever under /proc)', () => {
    // Python: os.makedirs('/proc/no-such/run') raises FileNotFoundError; a path below a file, NotADirectoryError.
    const script = join(root, 'proc.mts');
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    writeFileSync(script, `import * as torch from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).pathname)};\n` +
      `for (const dir of ['/proc/no-such/run', ${JSON.stringify(join(file, 'run'))}]) {\n` +
      `  try { new torch.utils.tensorboard.SummaryWriter(dir); console.log('made'); } catch (e) { console.log(e.code); }\n}\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { stdio: 'pipe', timeout: 60_000 }).toString();
    expect(out.trim().split('\n')).toEqual(['ENOENT', 'ENOTDIR']);
  });

  it('traces a model into a GraphDef for the Graphs dashboard', async () => {
    class Net extends torch.nn.Module {
      fc1 = new torch.nn.Linear(4, 8);
      fc2 = new torch.nn.Linear(8, 2);
      override forward(x: torch.Tensor) {
        return this.fc2.call(this.fc1.call(x).relu());
      }
    }
    const dir = join(root, 'graph');
    const w = new SummaryWriter(dir);
    w.addGraph(new Net(), torch.randn(3, 4));
    await w.close();
    const events = readEvents(join(dir, readdirSync(dir)[0]));
    const g = events.find((e) => e.graph)!.graph as Json;
    const byName = Object.fromEntries((g.node as Json[]).map((n) => [n.name, n]));
    expect(g.versions).toEqual({ producer: 22 });
    expect(byName['input/x'].op).toBe('IO Node');
    const linear2 = (g.node as Json[]).find((n) => n.op === 'aten::linear' && n.name.startsWith('Net/Linear[fc2]/'))!;
    expect(linear2.input).toContain('Net/Linear[fc2]/weight');
    expect(linear2.input).toContain('Net/Linear[fc2]/bias');
    const relu = (g.node as Json[]).find((n) => n.op === 'aten::relu')!;
    expect(linear2.input).toContain(relu.name);
    expect(linear2.attr._output_shapes.list.shape[0].dim.map((d: Json) => d.size)).toEqual([3, 2]);
    expect(byName['output/output.1'].input).toEqual([linear2.name]);
    expect(events.find((e) => e.tagged_run_metadata)!.tagged_run_metadata.tag).toBe('step1');
  });
});

describe('bad input', () => {
  const w = new SummaryWriter(join(root, 'bad'));
  afterAll(() => w.close());
  it('raises clear errors and writes nothing', () => {
    expect(() => w.addScalar('a', torch.ones(2))).toThrow(/addScalar: the tensor should contain one element/);
    expect(() => w.addScalar('a', 'x' as never)).toThrow(TypeError);
    expect(() => w.addScalar(3 as never, 1)).toThrow(/tag must be a string/);
    expect(() => w.addHistogram('h', [])).toThrow(/no element/);
    expect(() => w.addHistogram('h', [1, 2], 0, 'doanes' as never)).toThrow("'doanes' is not a valid estimator for `bins`");
    expect(() => w.addHistogram('h', [NaN], 0, 10)).toThrow(/not finite/);
    expect(() => w.addImage('i', torch.rand(5, 4, 4))).toThrow(/1, 2, 3 or 4 channels/);
    expect(() => w.addImage('i', torch.rand(4, 4))).toThrow(/must have 3 dimensions/);
    expect(() => w.addImage('i', torch.rand(3, 4, 4), 0, null, 'XYZ')).toThrow(/dataformats/);
    expect(() => w.addImages('i', torch.rand(2, 4, 4, 4))).toThrow(/a batch of images needs 1 or 3 channels/);
    expect(() => w.addHparams({ lr: [1] as never }, {})).toThrow(/'lr' should be a number, string, boolean or Tensor/);
    expect(() => w.addHparams({ opt: 'sgd' }, {}, { opt: [1] })).toThrow(/hparam_domain_discrete\[opt\]/);
    expect(() => new SummaryWriter(join(root, 'bad2'), { maxQueue: 0 })).toThrow(RangeError);
    expect(() => new SummaryWriter(join(root, 'bad3'), { flushSec: 1 } as never)).toThrow(/unexpected option 'flushSec' \(did you mean 'flushSecs'\?\)/);
    expect(() => w.addGraph({} as never, torch.ones(1))).toThrow(/model must be a module/);
    expect(() => w.addPrCurve('p', [0, 1, 1], [0.5, 0.2])).toThrow(/labels and predictions must have as many elements \(3 and 2\)/);
    expect(() => w.addPrCurve('p', [0, 1], [0.5, 0.2], 0, 0)).toThrow(/num_thresholds must be a positive integer/);
    expect(() => w.addPrCurve('p', [0, 1], [0.5, 0.2], 0, 10, [1])).toThrow(/weights must have as many elements/);
    expect(() => w.addPrCurve('p', 'x' as never, [0.5])).toThrow(/labels must be a Tensor or an array of numbers/);
    expect(() => w.addPrCurveRaw('p', [1, 2], [1], [0], [0], [1], [1])).toThrow(/the six rows must have the same length, got 2, 1/);
    expect(() => w.addCustomScalars({ c: { chart: ['Margin', ['a', 'b']] } })).toThrow(/a Margin chart needs 3 tags/);
    expect(() => w.addCustomScalars({ c: { chart: 'loss' as never } })).toThrow(/chart 'chart' must be \['Multiline' or 'Margin', tags\]/);
    expect(() => w.addCustomScalars([] as never)).toThrow(/layout must be an object of categories/);
    expect(() => w.addCustomScalarsMarginchart(['a'])).toThrow('Expected 3 tags, got 1.');
    expect(() => w.addAudio('a', torch.zeros(2, 3))).toThrow(/input tensor should be 1 dimensional \(after squeezing\), got shape \[2, 3\]/);
    expect(() => w.addAudio('a', [0.1, 0.2] as never)).toThrow(/snd_tensor must be a Tensor/);
    expect(() => w.addEmbedding(torch.zeros(3, 2), [1, 2])).toThrow(/#labels should equal with #data points \(2 and 3\)/);
    expect(() => w.addEmbedding(torch.zeros(3, 2), null, torch.zeros(2, 1, 2, 2))).toThrow(/#images should equal with #data points/);
    expect(() => w.addEmbedding(torch.zeros(3))).toThrow(/mat should be 2D/);
    expect(() => w.addEmbedding(torch.zeros(2, 2), [[1], [2]], null, 0, 'h', ['a', 'b'])).toThrow(/len of header must be equal to the number of columns/);
    expect(() => w.addEmbedding([[1, 2]] as never)).toThrow(/mat must be a Tensor/);
    expect(() => w.addEmbedding(torch.zeros(2, 2, { dtype: torch.complex64 }))).toThrow(/mat must be real/);
    expect(() => w.addEmbedding(torch.zeros(2, 1), [['a'], 'b'], null, 0, 'h', ['c'])).toThrow(/entry 1 is/);
    expect(() => w.addMesh('m', torch.zeros(4, 3))).toThrow(/Tensor shape should be of shape BxNx3, but got torch.Size\(\[4, 3\]\) \(vertices\)/);
    expect(() => w.addMesh('m', torch.zeros(1, 4, 3), [1] as never)).toThrow(/colors must be a Tensor/);
    expect(() => w.addMesh('m', torch.zeros(1, 4, 3), null, null, { f: () => 1 })).toThrow(/config_dict must hold only/);
    expect(() => w.addEmbedding(torch.zeros(2, 2), null, torch.zeros(2, 2, 2, 2))).toThrow(/label_img needs 1 or 3 channels/);
    expect(() => w.addEmbedding(torch.zeros(2, 2), null, torch.zeros(2, 1, 5, 2))).toThrow(/it must fit the square sprite/);
    expect(existsSync(join(root, 'bad', '00000'))).toBe(false); // nothing was written for any of them
    expect(() => w.addAudio('a', torch.zeros(3), 0, -1)).toThrow(/sample_rate must be a positive number/);
  });
  it('the generated descriptor matches the .proto files', () => {
    execFileSync(process.execPath, [new URL('../scripts/gen-tensorboard-proto.mjs', import.meta.url).pathname, '--check'], { stdio: 'pipe' });
  });
});

// What torch 2.13's summary.py builds for inputs the event-file fixture lacks (scripts/make-tensorboard-summary-fixtures.py
// runs PyTorch's own functions over stand-in protobuf classes): non-finite numbers come as 'inf'/'nan' strings.
const pySummary = JSON.parse(readFileSync(join(fixtures, 'tensorboard-summary.json'), 'utf8')) as Json;
const finite = (v: unknown): unknown =>
  typeof v === 'string' && ['inf', '-inf', 'nan'].includes(v) ? Number(v.replace('inf', 'Infinity').replace('nan', 'NaN'))
  : Array.isArray(v) ? v.map(finite)
  : v && typeof v === 'object' ? ('base64' in (v as Json) ? Buffer.from((v as Json).base64, 'base64') : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, finite(x)])))
  : v;
const inputOf = (values: unknown[]): number[] => values.map((v) => finite(v) as number);

describe('summaries as PyTorch builds them', () => {
  const dir = join(root, 'summaries');
  const w = new SummaryWriter(dir);
  afterAll(() => w.close());
  const lastValue = async (): Promise<Json> => {
    await w.flush();
    const events = runs(dir)['.']!;
    return events[events.length - 1]!.summary.value[0];
  };

  it('addTensor stores the whole tensor in its dtype\'s field (half_val: float32 bits), under the tensor plugin', async () => {
    for (const c of pySummary.tensor as Json[]) {
      const dtype = torch[c.dtype as 'float32'] as torch.DType;
      const t = dtype.isComplex ? torch.viewAsComplex(torch.tensor(c.input, { dtype: dtype === torch.complex64 ? torch.float32 : torch.float64 }))
        : torch.tensor(c.input, { dtype });
      w.addTensor('t', t, 1);
      expect({ dtype: c.dtype, value: await lastValue() }).toEqual({ dtype: c.dtype, value: finite(c.summary.value[0]) });
    }
    expect(() => w.addTensor('t', torch.zeros(2, { dtype: torch.uint16 }))).toThrow(/t has unsupported tensor dtype torch.uint16/);
    expect(() => w.addTensor('t', [1, 2] as never)).toThrow(/tensor must be a Tensor/);
  });

  it('addHistogramRaw writes the given statistics; limits and counts must pair up', async () => {
    w.addHistogramRaw('h', -1.0, 3.5, 6, 4.25, 20.5, [0.0, 1.0, 2.0, 3.5], torch.tensor([1, 2, 0, 3]), { globalStep: 2 });
    expect(await lastValue()).toEqual(pySummary.histogramRaw.value[0]);
    expect(() => w.addHistogramRaw('h', 0, 1, 1, 1, 1, [0, 1], [1])).toThrow(/len\(bucket_limits\) != len\(bucket_counts\)/);
    expect(() => w.addHistogramRaw('h', 'x' as never, 1, 1, 1, 1, [0], [1])).toThrow(/min must be a number/);
  });

  it('reads bfloat16 through float16, as make_np does (1e5 overflows to inf)', async () => {
    const bf = torch.tensor(pySummary.bfloat16.input, { dtype: torch.float32 }).to(torch.bfloat16);
    w.addScalar('s', bf.select(0, 0));
    expect(await lastValue()).toEqual(finite(pySummary.bfloat16.scalar.value[0]));
    w.addHistogram('h', bf);
    expect(await lastValue()).toEqual(finite(pySummary.bfloat16.histogram.value[0]));
  });

  it('gives a histogram of values with a NaN numpy\'s NaN min and max', async () => {
    w.addHistogram('h', torch.tensor(inputOf(pySummary.nanHistogram.input)));
    expect(await lastValue()).toEqual(finite(pySummary.nanHistogram.summary.value[0]));
  });

  // numpy 2.4's 'auto': min(max(fd_width, sqrt_width / 2), sturges_width), then ceil(range / width) bins
  //   import numpy as np
  //   cases = {'small': [1, 2, 2, 3, 10], 'outlier': [0.0] * 1000 + [i / 9 for i in range(10)] + [1000.0],
  //            'ramp': [i * i % 97 / 7 for i in range(200)], 'two': [0.0, 1.0]}
  //   for k, v in cases.items():
  //       e = np.histogram_bin_edges(np.array(v, dtype=float), 'auto'); print(k, len(e) - 1, e[0], e[-1])
  // -> small 5 1.0 10.0 / outlier 64 0.0 1000.0 / ramp 9 0.0 13.714285714285714 / two 2 0.0 1.0
  // (each data set fills its first and last bins, so the summary keeps every edge)
  it("bins='auto' picks numpy 2.4's bin count (FD limited by half the sqrt width, then by Sturges)", () => {
    const cases: [number[], number][] = [
      [[1, 2, 2, 3, 10], 5],
      [[...Array<number>(1000).fill(0), ...Array.from({ length: 10 }, (_, i) => i / 9), 1000], 64],
      [Array.from({ length: 200 }, (_, i) => ((i * i) % 97) / 7), 9],
      [[0, 1], 2],
    ];
    for (const [values, bins] of cases) {
      const limits = (summaryLib.histogram('h', torch.tensor(values, { dtype: torch.float64 }), 'auto') as { value: { histo: { bucket_limit: number[] } }[] }).value[0]!.histo.bucket_limit;
      expect([limits.length - 1, limits[0], limits[limits.length - 1]]).toEqual([bins, Math.min(...values), Math.max(...values)]);
    }
  });

  it('addImageWithBoxes draws the boxes as PIL does for PyTorch, pixel for pixel (rescale through PIL\'s LANCZOS)', async () => {
    const rawPixels = async (png: Buffer): Promise<Buffer> => sharp(png).raw().toBuffer();
    for (const c of pySummary.imageBoxes as Json[]) {
      const img = torch.tensor(c.image, { dtype: torch[c.dtype as 'float32'] as torch.DType });
      await w.addImageWithBoxes('b', img, torch.tensor(c.boxes, { dtype: torch.float32 }), 1, undefined, c.rescale, c.dataformats);
      const mine = (await lastValue()).image;
      const theirs = finite(c.summary.value[0].image) as Json;
      const what = `${c.dataformats} ${c.shape} rescale ${c.rescale}`;
      expect({ what, height: mine.height, width: mine.width, colorspace: mine.colorspace }).toEqual({ what, height: theirs.height, width: theirs.width, colorspace: theirs.colorspace });
      expect((await rawPixels(mine.encoded_image_string)).equals(await rawPixels(theirs.encoded_image_string)), what).toBe(true);
    }
    const img = torch.rand(3, 8, 8);
    expect(() => w.addImageWithBoxes('b', img, torch.tensor([[1, 1, 5, 5]]), { labels: ['cat'] })).toThrow(/labels cannot be drawn/);
    expect(() => w.addImageWithBoxes('b', img, torch.tensor([1, 1, 5, 5]))).toThrow(/box_tensor must be N x 4/);
    expect(() => w.addImageWithBoxes('b', img, torch.tensor([[1, 1, 5, 5]]), { rescale: 0 })).toThrow(/rescale must be a positive number/);
    await w.addImageWithBoxes('b', img, torch.tensor([[1, 1, 5, 5]]), { labels: ['cat', 'dog'] }); // labels that do not pair with the boxes are dropped, as in PyTorch
  });

  it('addAudio scales in the clip\'s precision (float16: 1.0 becomes 32768, wrapped to -32768)', async () => {
    for (const c of pySummary.audio as Json[]) {
      w.addAudio('a', torch.tensor(c.input, { dtype: torch.float64 }).to(torch[c.dtype as 'float32'] as torch.DType), { sampleRate: 8000 });
      expect({ dtype: c.dtype, value: await lastValue() }).toEqual({ dtype: c.dtype, value: finite(c.summary.value[0]) });
    }
  });
});

describe('SummaryWriter binds arguments as Python does', () => {
  it('takes any keyword argument in one trailing options object, positionals in PyTorch\'s order', async () => {
    const dir = join(root, 'kw');
    const w = new SummaryWriter({ logDir: dir, flushSecs: 1e7 }); // a flush period past setInterval's range is no 1 ms timer
    w.addScalar('a', 1, { globalStep: 3, walltime: 5 });
    w.addScalar('a', 2, 4, 6, true, true);
    w.addScalars('m', { x: 1 }, { globalStep: 7 });
    w.addHistogram('h', [1, 2, 3], { globalStep: 8, bins: 2, maxBins: 1 });
    w.addText('t', 'hi', { globalStep: 9 });
    w.addMesh('m', torch.zeros(1, 3, 3), null, null, { camera: { fov: 75 } }); // config_dict, not options
    w.addMesh('m', torch.zeros(1, 3, 3), { globalStep: 10 });
    await w.addImage('i', torch.zeros(4, 4, 2), { globalStep: 11, dataformats: 'HWC' }); // gray + alpha
    await w.close();
    const events = runs(dir)['.']!.filter((e) => e.summary);
    const byTag = (tag: string): Json[] => events.filter((e) => e.summary.value[0].tag === tag);
    expect(byTag('a').map((e) => [e.step, e.wall_time])).toEqual([[3, 5], [4, 6]]);
    expect(byTag('a')[1].summary.value[0].tensor).toEqual({ dtype: 'DT_DOUBLE', double_val: [2] });
    expect(byTag('h')[0].step).toBe(8);
    expect(byTag('h')[0].summary.value[0].histo.bucket_limit).toEqual([1, 3]); // two bins merged into one by maxBins
    expect(byTag('t/text_summary')[0].step).toBe(9);
    const meshes = byTag('m_VERTEX');
    expect(meshes.map((e) => [e.step, meshes.indexOf(e) === 0 && e.summary.value[0].metadata.plugin_data.content.toString('latin1').includes('{"camera": {"fov": 75}}')])).toEqual([[undefined, true], [10, false]]);
    const image = byTag('i')[0].summary.value[0].image;
    expect([byTag('i')[0].step, image.colorspace]).toEqual([11, 2]);
    expect((await sharp(image.encoded_image_string).metadata()).channels).toBe(2);
    expect(readdirSync(join(dir, 'm_x')).length).toBe(1);
    const w2 = new SummaryWriter(undefined, '_c'); // positional comment: Python's SummaryWriter(None, '_c')
    expect(w2.logDir.endsWith(`${hostname()}_c`)).toBe(true);
    await w2.close();
    rmSync(w2.logDir, { recursive: true, force: true });
  });

  it('an option is left out for its default, never set to undefined (the project-wide rule); null walltime and step mean none', async () => {
    // the types say so too: undefined is no Walltime or Step (a positional undefined still stands for a default)
    expectTypeOf<undefined>().not.toExtend<Walltime>();
    expectTypeOf<undefined>().not.toExtend<Step>();
    const dir = join(root, 'kw-undefined');
    const w = new SummaryWriter(dir);
    expect(() => w.addScalar('a', 1, { globalStep: 3, walltime: undefined })).toThrow("SummaryWriter.addScalar: option 'walltime' is undefined; leave it out");
    const before = Date.now() / 1000;
    w.addScalar('a', 1, { globalStep: 3, walltime: null });
    w.addScalar('a', 2, { globalStep: null });
    w.addScalar('a', 3, undefined, 7);
    await w.close();
    const events = runs(dir)['.']!.filter((e) => e.summary);
    expect(events.map((e) => e.step)).toEqual([3, undefined, undefined]);
    expect(events.map((e) => e.wall_time >= before - 1 && e.wall_time < before + 600)).toEqual([true, true, false]);
    expect(events[2].wall_time).toBe(7);
  });

  it('refuses unknown options, too many positionals and a value given twice', () => {
    const w = new SummaryWriter(join(root, 'kw-bad'));
    expect(() => w.addScalar('a', 1, { globlStep: 3 } as never)).toThrow(/globlStep/);
    expect(() => w.addScalar('a', 1, 1, 2, false, false, 7 as never)).toThrow(/takes at most 6 positional arguments \(7 given\)/);
    expect(() => w.addScalar('a', 1, 3, { globalStep: 3 })).toThrow(/got multiple values for argument 'globalStep'/);
    expect(() => w.addScalar('a', 1, 3, 'now' as never)).toThrow(/walltime must be a number/);
    expect(() => w.addHistogram('h', [1, 2], { maxBins: 0 })).toThrow(/max_bins must be a positive integer/);
    expect(() => w.addHistogram('h', [1, 2], { maxBins: 2.5 })).toThrow(/max_bins must be a positive integer/);
    expect(() => new SummaryWriter(join(root, 'kw-bad2'), 3 as never)).toThrow(/comment must be a string/);
    void w.close();
  });

  it('addGraph traces in eval mode and restores the training mode, leaving the model unchanged', async () => {
    class Net extends torch.nn.Module {
      fc = new torch.nn.Linear(4, 4);
      bn = new torch.nn.BatchNorm1d(4);
      drop = new torch.nn.Dropout(0.5);
      override forward(x: torch.Tensor) {
        return this.drop.call(this.bn.call(this.fc.call(x)));
      }
    }
    const net = new Net();
    const before = Object.fromEntries(Object.entries(net.stateDict()).map(([k, v]) => [k, (v as torch.Tensor).clone()]));
    const input = torch.randn(8, 4).mul(5).add(3);
    const rng = torch.getRngState();
    const dir = join(root, 'graph-eval');
    const w = new SummaryWriter(dir);
    w.addGraph(net, input, { useStrictTrace: true });
    await w.close();
    expect(net.training).toBe(true);
    for (const [k, v] of Object.entries(net.stateDict())) expect(torch.equal(v as torch.Tensor, before[k]!), k).toBe(true);
    const ops = ((runs(dir)['.']!.find((e) => e.graph)!.graph as Json).node as Json[]).map((n) => n.op);
    expect(ops).toContain('aten::batch_norm');
    expect(ops).not.toContain('aten::add_'); // no running-stats update
    expect(torch.equal(torch.getRngState(), rng)).toBe(true); // dropout drew nothing
    expect(() => w.addGraph(net, torch.randn(2, 4), { verbose: 1 as never })).toThrow(/verbose must be a boolean/);
  });
});

describe('addFigure (a vega-lite spec as the figure)', () => {
  const bars = (title: string, width = 120) => ({
    title,
    width,
    height: 80,
    data: { values: [{ k: 'a', v: 2 }, { k: 'b', v: 3 }] },
    mark: 'bar',
    encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
  }) as const;
  const svgSize = async (spec: object): Promise<[number, number]> => {
    const svg = await torch.toolkit.chartToSVG(spec as never);
    const m = /<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/.exec(svg)!;
    return [Math.round(Number(m[1])), Math.round(Number(m[2]))];
  };

  it('writes the chart as an RGB image in call order; a list becomes one grid', async () => {
    const dir = join(root, 'figure');
    const w = new SummaryWriter(dir);
    w.addScalar('before', 1, 0, 10.0);
    const one = w.addFigure('fig', bars('one'), 3, true, 11.0);
    const many = w.addFigure('figs', [bars('a'), bars('b'), bars('c')], 4, false, 12.0);
    w.addScalar('after', 2, 5, 13.0);
    await Promise.all([one, many]);
    await w.close();
    const events = runs(dir)['.']!.filter((e) => e.summary);
    expect(events.map((e) => e.summary.value[0].tag)).toEqual(['before', 'fig', 'figs', 'after']);
    const [fig, figs] = [events[1]!, events[2]!];
    expect([fig.step, fig.wall_time, figs.step, figs.wall_time]).toEqual([3, 11, 4, 12]);
    const [width, height] = await svgSize(bars('one'));
    const image = fig.summary.value[0].image;
    expect([image.width, image.height, image.colorspace]).toEqual([width, height, 3]);
    const { data, info } = await sharp(image.encoded_image_string).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([width, height, 3]);
    let blue = 0, white = 0;
    for (let i = 0; i < data.length; i += 3) {
      if (Math.abs(data[i]! - 0x4c) < 30 && Math.abs(data[i + 1]! - 0x78) < 30 && Math.abs(data[i + 2]! - 0xa8) < 30) blue++;
      if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) white++;
    }
    expect(blue).toBeGreaterThan(500); // the bars
    expect(white).toBeGreaterThan(data.length / 3 / 2); // drawn on white
    const grid = figs.summary.value[0].image;
    expect([grid.width, grid.height, grid.colorspace]).toEqual([3 * width, height, 3]);
  });

  it('rejects bad input; a figure that fails to draw leaves the rest written', async () => {
    const dir = join(root, 'figure-bad');
    const w = new SummaryWriter(dir);
    expect(() => w.addFigure('f', [])).toThrow(/addFigure: the list of figures is empty/);
    expect(() => w.addFigure('f', bars('x'), 0, 'yes' as never)).toThrow(/close must be a boolean, got string yes/);
    expect(() => w.addFigure(3 as never, bars('x'))).toThrow(/tag must be a string/);
    expect(() => w.addFigure('f', [bars('x'), 'y' as never])).toThrow(/a figure must be a vega-lite spec object, got string/);
    await expect(w.addFigure('f', { mark: 'nonsense' } as never)).rejects.toThrow(/addFigure: vega-lite could not compile the spec/);
    await expect(w.addFigure('f', [bars('x', 120), bars('y', 200)])).rejects.toThrow(/the figures of a list must have one size, got \d+x\d+, \d+x\d+/);
    w.addScalar('kept', 1, 0);
    await w.close();
    expect(runs(dir)['.']!.filter((e) => e.summary).map((e) => e.summary.value[0].tag)).toEqual(['kept']);
  });
});
