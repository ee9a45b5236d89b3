// What the vision model and layer tests share: a tensor's bytes as a SHA-256 (the fixtures hash
// weights and gradients instead of storing them), the state-dict check against torchvision's, and
// the detection fixtures' readers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '../lib/index.js';
import { cpuModel } from './cpu-model.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';
import { liveTensors } from './run-child.js';
import type { DetectionTarget } from '../lib/vision/models/detection/index.js';

/** SHA-256 of a tensor's bytes, as the fixture scripts' sha(). */
export const sha = (t: torch.Tensor): string =>
  createHash('sha256').update(Buffer.from((t.detach().contiguous().toTypedArray() as Float32Array | BigInt64Array).buffer)).digest('hex');

/** The module's state dict has torchvision's names, shapes and dtypes, and the same bytes ([name, shape, dtype, sha] rows). */
export function expectTorchvisionState(model: torch.nn.Module, state: readonly (readonly [string, number[], string, string])[]): void {
  torch.tidy(() => {
    const own = Object.entries(model.stateDict());
    expect(own.map(([k, v]) => [k, v.shape, String(v.dtype).slice(6)])).toEqual(state.map(([k, shape, dtype]) => [k, shape, dtype]));
    expect(own.filter(([, v], i) => sha(v) !== state[i]![3]).map(([k]) => k), 'tensors whose bytes differ from torchvision\'s').toEqual([]);
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A detection fixture (test/fixtures/<file>, made by the R-CNN fixture scripts) and its readers. */
export interface DetectionFixture {
  /** Whether this machine's CPU model made the fixture: oneDNN / BLAS results then match bit for bit. */
  sameCpu: boolean;
  /** undefined (bit-exact) on the fixture's CPU model, else within rounding (1e-4). */
  tol: { rtol: number; atol: number } | undefined;
  /** An input tensor. */
  I(name: string): torch.Tensor;
  /** A case's expected values. */
  C(name: string): any;
  /** An error case's message. */
  E(name: string): string;
  /** Compares bit for bit. */
  exact(actual: unknown, exp: any, path: string): void;
}

export const ROUNDING = { rtol: 1e-4, atol: 1e-4 };

export function loadDetectionFixture(file: string): DetectionFixture {
  const fx = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as {
    meta: { cpuModel: string }; inputs: Record<string, TensorEnc>; cases: Record<string, any>; errors: Record<string, { type: string; message: string }>;
  };
  const sameCpu = cpuModel === fx.meta.cpuModel;
  return {
    sameCpu,
    tol: sameCpu ? undefined : ROUNDING,
    I: (name) => makeTensor(fx.inputs[name]!),
    C: (name) => fx.cases[name],
    E: (name) => fx.errors[name]!.message,
    exact: (actual, exp, path) => check(actual, exp, undefined, path),
  };
}

/** [name, class name] of every submodule, as the fixture scripts list them. */
export const modulesOf = (m: torch.nn.Module): [string, string][] => m.namedModules().map(([k, v]) => [k, v.constructor.name]);

/** A parameter's gradient as the detection fixtures record it: [name, SHA-256, sum, sum of absolute values]. */
export type GradRow = [string, string, number, number];

/**
 * The model's gradients against torchvision's: the same parameters have one (and those of `noGrad` none),
 * each sum within 1e-4 of its magnitude, and the same bytes on the fixture's CPU model where `bitExact(name)`.
 */
export function expectGradients(model: torch.nn.Module, rows: readonly GradRow[], noGrad: readonly string[] | undefined, sameCpu: boolean,
  bitExact: (name: string) => boolean = () => true, compareSums = true): void {
  const params = model.namedParameters();
  if (noGrad !== undefined) expect(params.filter(([, p]) => p.requiresGrad && p.grad === null).map(([k]) => k), 'parameters without gradient').toEqual(noGrad);
  expect(params.filter(([, p]) => p.grad !== null).map(([k]) => k)).toEqual(rows.map(([k]) => k));
  const grads = new Map(params.map(([k, p]) => [k, p.grad!]));
  const off = compareSums ? rows.filter(([k, , sum, abs]) => Math.abs((grads.get(k)!.double().sum().item()) - sum) > 1e-4 * abs + 1e-7) : [];
  expect(off.map(([k]) => k), 'parameter gradients off').toEqual([]);
  if (sameCpu) expect(rows.filter(([k, h]) => bitExact(k) && sha(grads.get(k)!) !== h).map(([k]) => k), 'parameter gradients that differ').toEqual([]);
}

/** What the leak round needs of a detector (the R-CNNs, RetinaNet, FCOS, SSD). */
type Detector = torch.nn.Module & { forwardBoth(images: readonly torch.Tensor[]): unknown };

/**
 * A detector's round in torch.tidy: a training step (backward included), a training call on targets
 * without objects, eval, forwardBoth, then `extra`; after a first round, `rounds` more must leave no tensor behind.
 */
export function expectDetectorLeavesNothing(model: Detector, images: () => torch.Tensor[], targets: (background: boolean) => DetectionTarget[],
  rounds = 1, extra: () => void = () => {}): void {
  const round = (): void => torch.tidy(() => {
    model.train();
    const losses = model.call(images(), targets(false)) as Record<string, torch.Tensor>;
    Object.values(losses).reduce((a, b) => a.add(b)).backward();
    model.call(images(), targets(true));
    model.eval();
    torch.noGrad(() => model.call(images()));
    model.forwardBoth(images().slice(1));
    extra();
  });
  round(); // the parameters' gradients appear on the first backward
  const before = liveTensors(torch);
  for (let i = 0; i < rounds; i++) round();
  expect(torch.nativeStats().tensors - before).toBe(0);
}

/** What a seeded small detector's case does beyond the common checks. */
export interface SeededDetectorCase {
  /** Check the weights against torchvision's (modules, parameter count, and repr and frozen parameters where the fixture has them). */
  weights: boolean;
  /** The keys of each eval detection, in torchvision's order. */
  detectionKeys: readonly string[];
  /** The training call (in training mode, in the case's tidy); returns the losses. */
  trainCall: () => Record<string, torch.Tensor>;
  /** After the backward of the losses' sum: the gradients' checks. */
  afterBackward: () => void;
}

/**
 * A seeded small detector against a fixture case: weights, eval detections on images 'img_a' and 'img_b'
 * (where the case has them), the training losses' keys and values, then the backward and `afterBackward`.
 */
export function expectSeededDetectorCase(model: torch.nn.Module, c: any, fx: DetectionFixture, o: SeededDetectorCase): void {
  if (o.weights) {
    expectTorchvisionState(model, c.state);
    expect(modulesOf(model)).toEqual(c.modules);
    expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
    if (c.repr !== undefined) expect(String(model)).toBe(c.repr);
    if (c.frozen !== undefined) expect(model.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(c.frozen);
  }
  torch.tidy(() => {
    // a case after another on the same model starts from no gradients
    for (const p of model.parameters()) p.grad = null;
    if (c.eval !== undefined) {
      model.eval();
      const detections = torch.noGrad(() => model.call([fx.I('img_a'), fx.I('img_b')]) as DetectionTarget[]);
      expect(detections.map((d) => Object.keys(d))).toEqual(detections.map(() => o.detectionKeys));
      check(detections, c.eval, fx.tol, 'eval detections');
    }
    model.train();
    const losses = o.trainCall();
    expect(Object.keys(losses)).toEqual(c.lossKeys);
    check(losses, c.losses, fx.tol, 'losses');
    Object.values(losses).reduce((a, b) => a.add(b)).backward();
    o.afterBackward();
  });
}

/**
 * `call()` with `owner.computeLoss` wrapped so that its fourth argument (the anchors' matches) is compared
 * bit for bit with `matched`; it must run exactly once. The method is restored after.
 */
export function callCheckingMatches<T>(owner: object, matched: unknown, fx: DetectionFixture, call: () => T): T {
  const o = owner as { computeLoss: (...a: unknown[]) => unknown };
  const own = Object.hasOwn(o, 'computeLoss');
  const original = o.computeLoss;
  let seen = 0;
  o.computeLoss = function (this: unknown, ...a: unknown[]) {
    seen++;
    // the anchors' matches: exact wherever the anchors are (no convolution)
    fx.exact(a[3], matched, 'matched');
    return original.apply(this, a);
  };
  try {
    const result = call();
    expect(seen).toBe(1);
    return result;
  } finally {
    if (own) o.computeLoss = original;
    else delete (o as Partial<typeof o>).computeLoss;
  }
}
