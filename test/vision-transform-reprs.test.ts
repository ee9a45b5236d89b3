// String(transform) of vision.transforms (v1), their presets and transforms.v2, against repr(transform) in
// torchvision 0.28 (test/fixtures/vision-transform-reprs.json, made by scripts/make-transform-repr-fixtures.py):
// each case built from the fixture's arguments (snake_case keywords as camelCase options), text for text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';

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
