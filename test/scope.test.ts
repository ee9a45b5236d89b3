// torch.tidy keeps every tensor reachable from its result (arrays, plain objects, class instances,
// Maps, Sets, cyclic structures) and frees the rest; torch.keep takes tensors only.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

type Tensor = torch.Tensor;

class Pair {
  constructor(
    readonly first: Tensor,
    readonly second: Tensor,
  ) {}
}

describe('torch.tidy keeps what its result reaches', () => {
  it('a class instance: its tensor fields survive, temporaries are freed', () => {
    let temp!: Tensor;
    const pair = torch.tidy(() => {
      temp = torch.ones(2).mul(3);
      return new Pair(temp.add(1), temp.sub(1));
    });
    expect(temp.isDisposed).toBe(true);
    expect(pair.first.tolist()).toEqual([4, 4]);
    expect(pair.second.tolist()).toEqual([2, 2]);
  });

  it('a Set and the keys as well as the values of a Map', () => {
    const { set, map } = torch.tidy(() => {
      const key = torch.zeros(1);
      return { set: new Set([torch.ones(1)]), map: new Map([[key, torch.full([1], 2)]]) };
    });
    expect([...set][0]!.tolist()).toEqual([1]);
    const [[k, v]] = [...map];
    expect(k.tolist()).toEqual([0]);
    expect(v.tolist()).toEqual([2]);
  });

  it('a cyclic result: no stack overflow, its tensors survive, the scope closes', () => {
    let temp!: Tensor;
    const node = torch.tidy(() => {
      temp = torch.ones(2);
      const a: { t: Tensor; next?: unknown } = { t: temp.mul(2) };
      a.next = { back: a, list: [a] };
      return a;
    });
    expect(temp.isDisposed).toBe(true);
    expect(node.t.tolist()).toEqual([2, 2]);
    // The scope was closed: tensors made now belong to no scope and stay alive.
    const after = torch.ones(1);
    expect(after.isDisposed).toBe(false);
  });

  it('a deep chain (100000 links) does not overflow the stack', () => {
    const head = torch.tidy(() => {
      let chain: { t?: Tensor; next?: unknown } = { t: torch.ones(1) };
      for (let i = 0; i < 100_000; i++) chain = { next: chain };
      return chain;
    });
    let link = head as { t?: Tensor; next?: unknown };
    while (link.next) link = link.next as typeof link;
    expect(link.t!.tolist()).toEqual([1]);
  });

  it('getters are not run, and a tensor held only by a closure is freed (documented limit)', () => {
    let getterRan = false;
    let captured!: Tensor;
    const result = torch.tidy(() => {
      captured = torch.ones(1);
      return {
        get lazy(): number {
          getterRan = true;
          return 1;
        },
        read: () => captured,
      };
    });
    expect(getterRan).toBe(false);
    expect(typeof result.read).toBe('function');
    expect(captured.isDisposed).toBe(true);
  });

  it('nested: an inner result reaches the outer scope and is freed there unless returned', () => {
    let inner!: Tensor;
    const out = torch.tidy(() => {
      const held = torch.tidy(() => new Set([(inner = torch.ones(1))]));
      expect(inner.isDisposed).toBe(false);
      return [...held][0]!.add(1);
    });
    expect(inner.isDisposed).toBe(true);
    expect(out.tolist()).toEqual([2]);
  });
});

describe('torch.keep', () => {
  it('keeps a tensor past its scope', () => {
    let kept!: Tensor;
    torch.tidy(() => {
      kept = torch.keep(torch.ones(2));
      return null;
    });
    expect(kept.tolist()).toEqual([1, 1]);
  });

  it('anything but a Tensor is a TypeError that says so', () => {
    const keep = torch.keep as (v: unknown) => unknown;
    expect(() => keep(5)).toThrow(TypeError);
    expect(() => keep(5)).toThrow('keep: expected a Tensor, got number');
    expect(() => keep({ t: torch.ones(1) })).toThrow('keep: expected a Tensor, got Object');
    expect(() => keep(null)).toThrow('got null');
  });
});
