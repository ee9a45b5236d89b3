// plotCurves: vega-lite -> SVG (title, axis titles, legend entries as text) -> resvg PNG (size, the
// series' colours drawn, text drawn).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const { toolkit } = torch;
const root = mkdtempSync(join(tmpdir(), 'torchnode-plot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const series = { train_loss: [1.2, 0.7, 0.5, 0.41, 0.38], val_loss: [1.3, 0.8, 0.62, 0.6, 0.61] };
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

// vega's default category colours: the first two series.
const BLUE = [0x4c, 0x78, 0xa8], ORANGE = [0xf5, 0x85, 0x18];

describe('plotCurves', () => {
  it('writes an SVG with title, axis labels, legend and ticks', async () => {
    const path = join(root, 'curves.svg');
    await toolkit.plotCurves(path, { series, title: 'MNIST training', xLabel: 'epoch', yLabel: 'cross-entropy' });
    const svg = readFileSync(path, 'utf8');
    const t = texts(svg);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const s of ['MNIST training', 'epoch', 'cross-entropy', 'train_loss', 'val_loss']) expect(t).toContain(s);
    for (const tick of ['1', '2', '3', '4', '5']) expect(t).toContain(tick);
    expect((svg.match(/<path[^>]*stroke="#4c78a8"/g) ?? []).length).toBeGreaterThan(0);
  });

  it('writes a PNG that shows both series and the text', async () => {
    const path = join(root, 'curves.png');
    await toolkit.plotCurves(path, { history: { ...series, lr: 0.1, note: 'ignored' }, title: 'Loss', yLabel: 'loss', width: 400, height: 240 });
    const { data, info } = await sharp(readFileSync(path)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(400);
    expect(info.height).toBeGreaterThan(240);
    let blue = 0, orange = 0, dark = 0;
    for (let i = 0; i < data.length; i += 3) {
      const px = [data[i], data[i + 1], data[i + 2]];
      const near = (c: number[]) => c.every((v, k) => Math.abs(v - px[k]) < 40);
      if (near(BLUE)) blue++;
      else if (near(ORANGE)) orange++;
      else if (px.every((v) => v < 80)) dark++; // glyphs of the title and labels
    }
    expect(blue).toBeGreaterThan(100);
    expect(orange).toBeGreaterThan(100);
    expect(dark).toBeGreaterThan(200);
  });

  it('plots a log axis and any number of series; the spec is exposed', async () => {
    const spec = toolkit.curvesSpec({ series: { a: [1, 10, 100], b: new Float64Array([2, 20, 200]), c: [5, NaN, 3] }, logY: true, xStart: 0 }) as { encoding: { y: { scale: { type: string } } }; data: { values: { series: string; x: number; y: number | null }[] } };
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.data.values.filter((v) => v.series === 'c').map((v) => [v.x, v.y])).toEqual([[0, 5], [1, null], [2, 3]]);
    const svg = await toolkit.curvesToSVG({ series: { a: [1, 10, 100] }, logY: true });
    expect(texts(svg)).toContain('a');
  });

  it('leaves out the points ≤ 0 on a log axis, as the non-finite ones; a series with none left is an error', async () => {
    type Spec = { data: { values: { series: string; x: number; y: number | null }[] } };
    const spec = toolkit.curvesSpec({ series: { a: [1, 0, 0.1, -2, 0.01], b: [2, 1, 0.5, 0.2, 0.1] }, logY: true }) as Spec;
    expect(spec.data.values.filter((v) => v.series === 'a').map((v) => v.y)).toEqual([1, null, 0.1, null, 0.01]);
    expect(spec.data.values.filter((v) => v.series === 'b').map((v) => v.y)).toEqual([2, 1, 0.5, 0.2, 0.1]);
    // On a linear axis they are ordinary points.
    expect((toolkit.curvesSpec({ series: { a: [1, 0, -2] } }) as Spec).data.values.map((v) => v.y)).toEqual([1, 0, -2]);
    // The ticks of the drawn axis come from the positive values only (no 0 or negative tick).
    const svg = await toolkit.curvesToSVG({ series: { a: [1, 0, 0.1, -2, 0.01] }, logY: true });
    expect(texts(svg)).toContain('0.01');
    expect(texts(svg).filter((t) => /^[−-]|^0$/.test(t))).toEqual([]);
    // The message names the series and says why, as the other input errors do.
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series: { a: [1, 2], b: [0, -1, NaN] }, logY: true })).rejects.toThrow(
      new RangeError("plotCurves: series 'b' has no positive value to draw on a log y axis (logY)"),
    );
  });

  it('plots only the numeric arrays of a history (arrays of strings or records are ignored); an explicit series must hold numbers', async () => {
    const path = join(root, 'history.svg');
    await toolkit.plotCurves(path, { history: { train_loss: [1, 0.5], val_loss: new Float32Array([1.2, 0.7]), tags: ['a', 'b'], records: [{ a: 1 }], mixed: [1, 'x'], lr: 0.1, note: 'x' } });
    const legend = texts(readFileSync(path, 'utf8'));
    expect(legend).toContain('train_loss');
    expect(legend).toContain('val_loss');
    for (const ignored of ['tags', 'records', 'mixed', 'lr', 'note']) expect(legend).not.toContain(ignored);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { history: { tags: ['a', 'b'] } })).rejects.toThrow(/nothing to plot/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series: { a: [1], tags: ['a'] as never } })).rejects.toThrow(/series 'tags' must hold numbers/);
  });

  it("a path it cannot write names the function and the path, and keeps Node's code and the error as cause", async () => {
    // The message: "<function>: cannot write '<path>': " before Node's own text, as saveCheckpoint's.
    const missing = join(root, 'no-such-dir', 'c.png');
    await expect(toolkit.plotCurves(missing, { series })).rejects.toThrow(/^plotCurves: cannot write '.*no-such-dir\/c\.png': ENOENT/);
    await expect(toolkit.plotCurves(missing, { series })).rejects.toMatchObject({ code: 'ENOENT', cause: expect.any(Error) });
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(toolkit.plotCurves(join(file, 'c.svg'), { series })).rejects.toMatchObject({ code: 'ENOTDIR', message: expect.stringMatching(/^plotCurves: cannot write '.*a-file\/c\.svg': ENOTDIR/) });
    await expect(toolkit.saveChart(join(file, 'c.svg'), { data: { values: [] }, mark: 'point' })).rejects.toThrow(/^saveChart: cannot write/);
  });

  it('rejects bad input', async () => {
    await expect(toolkit.plotCurves(join(root, 'x.jpg'), { series })).rejects.toThrow(/must end in \.png or \.svg/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series: { a: [] } })).rejects.toThrow(/nothing to plot/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series: { a: ['x'] as never } })).rejects.toThrow(/series 'a' must hold numbers/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series: { a: 3 } as never })).rejects.toThrow(/series 'a' must be an array/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), {} as never)).rejects.toThrow(/expected \{ series/);
    await expect(toolkit.plotCurves(join(root, 'x.png'), { series, scale: -1 })).rejects.toThrow(/plotCurves: scale must be a positive number, got -1/);
  });
});

describe('saveChart', () => {
  const bars = {
    title: 'accuracy by class',
    data: { values: [{ k: 'cat', v: 0.91 }, { k: 'dog', v: 0.87 }] },
    mark: 'bar',
    encoding: { x: { field: 'k', type: 'nominal', title: 'class' }, y: { field: 'v', type: 'quantitative', title: 'accuracy' } },
  } as const;

  it('renders a spec of any mark to SVG and PNG', async () => {
    const svgPath = join(root, 'bars.svg');
    await toolkit.saveChart(svgPath, bars);
    const t = texts(readFileSync(svgPath, 'utf8'));
    for (const s of ['accuracy by class', 'class', 'accuracy', 'cat', 'dog']) expect(t).toContain(s);
    expect(texts(await toolkit.chartToSVG(bars))).toEqual(t);
    const pngPath = join(root, 'bars.png');
    await toolkit.saveChart(pngPath, bars, { scale: 2 });
    const one = join(root, 'bars1.png');
    await toolkit.saveChart(one, bars);
    const [big, small] = await Promise.all([sharp(readFileSync(pngPath)).metadata(), sharp(readFileSync(one)).metadata()]);
    expect(big.width).toBe(2 * small.width!);
    let blue = 0;
    const { data } = await sharp(readFileSync(one)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < data.length; i += 3) if (BLUE.every((c, k) => Math.abs(c - data[i + k]) < 40)) blue++;
    expect(blue).toBeGreaterThan(500); // the two bars
  });

  it('rejects bad input before writing anything', async () => {
    const path = join(root, 'never.svg');
    await expect(toolkit.saveChart(join(root, 'x.pdf'), bars)).rejects.toThrow(/saveChart: the file must end in \.png or \.svg/);
    await expect(toolkit.saveChart(3 as never, bars)).rejects.toThrow(/saveChart: path must be a string/);
    await expect(toolkit.saveChart(path, null as never)).rejects.toThrow(/spec must be a vega-lite spec object/);
    await expect(toolkit.saveChart(path, bars, { scale: 0 })).rejects.toThrow(/scale must be a positive number, got 0/);
    await expect(toolkit.saveChart(path, { mark: 'nonsense' } as never)).rejects.toThrow(/saveChart: vega-lite could not compile the spec: /);
    await expect(toolkit.chartToSVG([] as never)).rejects.toThrow(/chartToSVG: spec must be a vega-lite spec object/);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
