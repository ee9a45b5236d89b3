// Python's repr of a str, which error messages and module reprs quote: golden values from Python 3 (scripts/make-py-repr-fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pyRepr, pyStrRepr } from '../lib/nn/modules/_format.js';

const cases = JSON.parse(readFileSync(new URL('./fixtures/py-str-repr.json', import.meta.url), 'utf8')) as { text: string; repr: string }[];

describe("Python's repr of a str", () => {
  it.each(cases.map((c) => [c.repr, c.text] as const))('%s', (repr, text) => {
    expect(pyStrRepr(text)).toBe(repr);
    expect(pyRepr(text)).toBe(repr);
  });

  it('quotes strings inside tuples the same way', () => {
    expect(pyRepr(["it's", 'a'])).toBe(`("it's", 'a')`);
  });
});
