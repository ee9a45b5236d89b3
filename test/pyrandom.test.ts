// torch.pyrandom against CPython's random module (test/fixtures/pyrandom.json, made by
// scripts/make-pyrandom-fixtures.py): the same numbers after the same seed, call for call.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

type Big = number | { __int__: string };
interface Case {
  seed: Big | string; random: number[]; getrandbits: Big[]; randrange: Big[]; choice: string[]; shuffle: number[];
  choices: number[]; choices_weights: string[]; choices_cum: string[]; sample_small: number[]; sample_large: number[];
  uniform: number[]; gauss: number[]; state: [3, number[], number | null]; after: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/pyrandom.json', import.meta.url), 'utf8')) as { python: string; cases: Record<string, Case> };
const R = torch.pyrandom;
const num = (v: Big | number | bigint): number | bigint => (typeof v === 'object' ? BigInt(v.__int__) : v);
const seedOf = (name: string, c: Case): number | bigint | string | Uint8Array =>
  name === 'bytes' ? new TextEncoder().encode('seed') : typeof c.seed === 'string' ? c.seed : num(c.seed);

describe(`torch.pyrandom draws what CPython ${fx.python}'s random draws`, () => {
  for (const [name, c] of Object.entries(fx.cases)) {
    it(`seed ${name}`, () => {
      R.seed(seedOf(name, c));
      expect(Array.from({ length: 5 }, () => R.random())).toEqual(c.random);
      expect([0, 1, 7, 31, 32, 33, 53, 64, 100].map((k) => R.getrandbits(k))).toEqual(c.getrandbits.map(num));
      expect([R.randrange(10), R.randrange(3, 17), R.randrange(0, 100, 7), R.randrange(50, 0, -3), R.randrange(2 ** 40), R.randint(-5, 5), R.randint(1, 1)])
        .toEqual(c.randrange.map(num));
      expect(Array.from({ length: 5 }, () => R.choice([...'abcdefg']))).toEqual(c.choice);
      const xs = Array.from({ length: 12 }, (_, i) => i);
      R.shuffle(xs);
      expect(xs).toEqual(c.shuffle);
      expect(R.choices([...Array(10).keys()], { k: 6 })).toEqual(c.choices);
      expect(R.choices(['a', 'b', 'c', 'd'], { weights: [0.1, 0.5, 0.0, 2.5], k: 8 })).toEqual(c.choices_weights);
      expect(R.choices(['a', 'b', 'c'], { cumWeights: [1, 1, 4], k: 5 })).toEqual(c.choices_cum);
      expect(R.sample([...Array(20).keys()], 7)).toEqual(c.sample_small);
      expect(R.sample([...Array(1000).keys()], 10)).toEqual(c.sample_large);
      expect(Array.from({ length: 3 }, () => R.uniform(-2.5, 7.0))).toEqual(c.uniform);
      // gauss goes through cos, sin and log: V8's and glibc's may differ in the last bit
      Array.from({ length: 5 }, () => R.gauss(1.0, 2.0)).forEach((g, i) => expect(g).toBeCloseTo(c.gauss[i]!, 13));
      expect(R.getstate()).toEqual(c.state);
      expect(R.random()).toBe(c.after);
    });
  }

  it('setstate restores a state, getstate gives it back', () => {
    const c = fx.cases.int!;
    R.seed(123);
    R.setstate(c.state);
    expect(R.random()).toBe(c.after);
    R.setstate(c.state);
    expect(R.getstate()).toEqual(c.state);
  });

  it('an unseeded generator starts from fresh entropy, as CPython seeds its module at import; a bool seed is an int', () => {
    const draw = `const R = await import(${JSON.stringify(new URL('../dist/pyrandom.js', import.meta.url).href)}); console.log(R.random());`;
    const runs = [0, 1].map(() => spawnSync(process.execPath, ['--input-type=module', '-e', draw], { encoding: 'utf8' }).stdout.trim());
    expect(runs[0]).toMatch(/^0\.\d+/);
    expect(runs[1]).not.toBe(runs[0]);
    R.seed(true);
    const a = R.random();
    R.seed(1);
    expect(R.random()).toBe(a);
  });

  it('rejects bad arguments as CPython does', () => {
    expect(() => R.seed(1.5)).toThrow(/expected an integer, a string or bytes/);
    expect(() => R.choice([])).toThrow(/Cannot choose from an empty sequence/);
    expect(() => R.randrange(0)).toThrow(/empty range for randrange\(\)/);
    expect(() => R.randrange(5, 2)).toThrow(/empty range in randrange\(5, 2\)/);
    expect(() => R.randrange(0, 10, 0)).toThrow(/zero step/);
    expect(() => R.sample([1, 2], 3)).toThrow(/Sample larger than population/);
    expect(() => R.choices(['a'], { weights: [0] })).toThrow(/Total of weights must be greater than zero/);
    expect(() => R.choices(['a', 'b'], { weights: [1] })).toThrow(/The number of weights does not match the population/);
    expect(() => R.getrandbits(-1)).toThrow(/number of bits must be non-negative/);
    expect(() => R.setstate([2, [], null] as never)).toThrow(/expected a state from getstate/);
  });
});
