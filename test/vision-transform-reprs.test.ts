// String(transform) of vision.transforms (v1), their presets and transforms.v2, against repr(transform) in
// torchvision 0.28 (test/fixtures/vision-transform-reprs.json, made by scripts/make-transform-repr-fixtures.py):
// each case built from the fixture's arguments (snake_case keywords as camelCase options), text for text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { buildSource, packSource } from '../lib/data/worker_source.js';
import type { WorkerSource } from '../lib/data/worker_source.js';

const T = vision.transforms;
const v2 = vision.transforms.v2;

interface Case { name: string; version: 'v1' | 'v2' | 'presets'; args: unknown[]; kwargs: Record<string, unknown>; repr: string }
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-transform-reprs.json', import.meta.url), 'utf8')) as {
  meta: { torch: string; torchvision: string };
  cases: Case[];
};

type Ctor = new (...args: any[]) => unknown;
const MODULES: Record<Case['version'], Record<string, unknown>> = { v1: T, v2, presets: T };

/** The fixture's argument tokens as our constructors take them (see the script's docstring). */
function decode(v: unknown, version: Case['version']): unknown {
  if (Array.isArray(v)) return v.map((x) => decode(x, version));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('mode' in o) return o.mode;
  if ('transform' in o) { const [name, args] = o.transform as [string, unknown[]]; return build(name, version, args, {}); }
  if ('fillDict' in o) return decode(o.fillDict, version);
  if ('dtype' in o) return (torch as unknown as Record<string, unknown>)[o.dtype as string];
  if ('policy' in o) return o.policy;
  if ('tuple' in o) return decode(o.tuple, version);
  if ('tensor' in o) return torch.tensor(o.tensor as number[][]);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x, version)]));
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** new Class(...args, { camelCaseOptions }) (no options object where there are no keywords). */
function build(name: string, version: Case['version'], args: unknown[], kwargs: Record<string, unknown>): unknown {
  const cls = MODULES[version][name] as Ctor | undefined;
  if (typeof cls !== 'function') throw new Error(`no ${version} class ${name}`);
  const options = Object.fromEntries(Object.entries(kwargs).map(([k, x]) => [camel(k), decode(x, version)]));
  const positional = args.map((x) => decode(x, version));
  return Object.keys(options).length === 0 ? new cls(...positional) : new cls(...positional, options);
}

describe(`transform reprs as torchvision ${fx.meta.torchvision} prints them`, () => {
  it('covers the fixture', () => { expect(fx.cases.length).toBeGreaterThan(150); });
  for (const c of fx.cases) {
    const label = `${c.version} ${c.name}(${JSON.stringify(c.args).slice(1, -1)}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(c.kwargs)}` : ''})`;
    it(label, () => { expect(String(build(c.name, c.version, c.args, c.kwargs))).toEqual(c.repr); });
  }
});

/** A transform as a DataLoader worker rebuilds it: its workerSource packed, cloned and built. */
const rebuilt = async (t: { workerSource(): WorkerSource }): Promise<unknown> => buildSource(structuredClone(packSource(t.workerSource(), [], 'x')));

describe('transform reprs after a worker rebuild', () => {
  it('a v2 list fill is kept (Pad, RandomCrop)', async () => {
    const pad = new v2.Pad(2, [1, 2, 3]);
    const crop = new v2.RandomCrop(4, { fill: [1, 2, 3] });
    expect(String(pad)).toBe('Pad(padding=2, fill=[1, 2, 3], padding_mode=constant)');
    expect(String(await rebuilt(pad))).toBe(String(pad));
    expect(String(await rebuilt(crop))).toBe(String(crop));
    expect(String(crop)).toContain('fill=[1, 2, 3]');
  });
  it('every fixture case prints the same repr when rebuilt', async () => {
    for (const c of fx.cases) {
      const t = build(c.name, c.version, c.args, c.kwargs) as { workerSource?(): WorkerSource | null };
      const source = t.workerSource?.();
      if (!source) continue;
      expect(String(await buildSource(structuredClone(packSource(source, [], 'x')))), c.name).toBe(c.repr);
    }
  });
});

describe('transforms keep copies of the arrays they are given', () => {
  const cases: [string, (a: [number, number], b: [number, number]) => { workerSource(): WorkerSource }][] = [
    ['CenterCrop', (a) => new T.CenterCrop(a)],
    ['FiveCrop', (a) => new T.FiveCrop(a)],
    ['TenCrop', (a) => new T.TenCrop(a)],
    ['RandomCrop', (a) => new T.RandomCrop(a)],
    ['RandomResizedCrop', (a, b) => new T.RandomResizedCrop(a, { scale: [b[0]! / 10, 1], ratio: b })],
    ['GaussianBlur', (a, b) => new T.GaussianBlur(a, b.map((x) => x / 4))],
    ['RandomErasing', (_, b) => new T.RandomErasing({ scale: [b[0]! / 10, b[1]! / 10], ratio: b, value: b })],
    ['v2 RandomResizedCrop', (a, b) => new v2.RandomResizedCrop(a, { scale: [b[0]! / 10, 1], ratio: b })],
    ['v2 Pad', (a) => new v2.Pad(2, a)],
    ['v2 RandomCrop', (a) => new v2.RandomCrop(4, { fill: a })],
    ['v2 RandomRotation', (a) => new v2.RandomRotation(30, { fill: a })],
    ['v2 RandomZoomOut', (a, b) => new v2.RandomZoomOut(a, b)],
    ['v2 ScaleJitter', (a, b) => new v2.ScaleJitter([64, 48], b)],
    ['v2 RandomIoUCrop', (_, b) => new v2.RandomIoUCrop({ samplerOptions: b })],
    ['v2 RandomChoice', (_, b) => new v2.RandomChoice([new v2.RandomHorizontalFlip(), new v2.RandomVerticalFlip()], b)],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const [a, b]: [number, number][] = [[3, 5], [1, 2]];
      const t = make(a, b);
      const [text, args] = [String(t), JSON.stringify(t.workerSource().args)];
      a[0] = 99; b[0] = 0; b[1] = 98;
      expect(String(t)).toBe(text);
      expect(JSON.stringify(t.workerSource().args)).toBe(args);
    });
  }
  it('RandomCrop, given a list fill, keeps a copy of it', () => {
    const fill = [1, 2, 3];
    const t = new v2.RandomCrop(4, { fill });
    fill[0] = 99;
    expect(String(t)).toBe('RandomCrop(size=(4, 4), pad_if_needed=False, fill=[1, 2, 3], padding_mode=constant)');
    expect(t.fillDict).toEqual({ others: [1, 2, 3] });
  });
});
