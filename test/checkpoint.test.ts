// Checkpoints both ways between Python torch 2.13 and torchnode, with the same three models defined in
// both languages (test/checkpoint-models.ts, scripts/make-seed-fixtures.py): an MLP, a CNN with
// BatchNorm, and a model with a ModuleDict.
// Python -> Node: state_dicts and a full checkpoint {model, optimizer, epoch, metrics} that Python's
// torch.save wrote (test/fixtures/checkpoints/*.pt) load into the JS models and give Python's outputs;
// mapLocation, strict: false, renamed keys; bad state dicts give PyTorch's error text and leave the
// model unchanged.
// Node -> Python: the files torchnode saved (test/fixtures/checkpoints/node/, scripts/make-node-checkpoints.ts)
// are what this code saves today, and Python computed from them (scripts/check-node-checkpoints.py,
// python-outputs.json) exactly what Node computes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { nn } from '../lib/index.js';
import { buildNodeCheckpoints, makeModels, modelOutputs, NODE_EPOCH, NODE_METRICS, NODE_SGD, type Models } from './checkpoint-models.js';
import { cpuModel } from './cpu-model.js';
import { check, errorOf, makeTensor, type TensorEnc, type Tol } from './golden-replay.js';

type Tensor = torch.Tensor;
type StateDict = Record<string, Tensor>;
const dir = new URL('./fixtures/checkpoints/', import.meta.url);
const file = (name: string): string => new URL(name, dir).pathname;
const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;

interface Expected {
  cpuModel: string;
  inputs: Record<string, TensorEnc>;
  outputs: Record<string, TensorEnc>;
  keys: Record<keyof Models, string[]>;
  partial: { missing: string[]; unexpected: string[]; cls_output: TensorEnc; strict_error: string };
  errors: { dataparallel_strict: string; wrong_shape: string; wrong_shape_nonstrict: string; no_map_location: string; whole_model: string };
  optimizer: { param_groups: Record<string, unknown>[]; state_keys: number[]; momentum_buffer_0: TensorEnc };
  epoch: number;
  metrics: Record<string, unknown>;
  cnn_after_sgd: TensorEnc;
}
interface PythonOutputs {
  torch: string;
  cpuModel: string;
  outputs: Record<string, TensorEnc>;
  keys: Record<keyof Models, string[]>;
  epoch: number;
  epoch_type: string;
  metrics: Record<string, unknown>;
  param_groups: Record<string, unknown>[];
  momentum_buffer_0: TensorEnc;
  cnn_after_sgd_step: TensorEnc;
  checks: Record<string, boolean>;
}
const expected = readJson<Expected>('expected.json');
const fromNode = readJson<PythonOutputs>('node/python-outputs.json');
const inputs = Object.fromEntries(Object.entries(expected.inputs).map(([k, v]) => [k, makeTensor(v)]));
torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)
// Linear/Conv run BLAS/oneDNN kernels chosen by CPU model: bit-exact on the CPU that made the file, rounding elsewhere.
const tolFor = (madeOn: string): Tol | undefined => (cpuModel === madeOn ? undefined : { rtol: 1e-5, atol: 1e-6 });
const tol = tolFor(expected.cpuModel);

const load = (name: string, options?: torch.LoadOptions): StateDict => torch.load(file(name), options) as StateDict;
/** A copy of every tensor of a state dict, to tell later whether a failed load changed anything. */
const snapshot = (m: nn.Module): Record<string, Tensor> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.clone()]));
function expectUnchanged(m: nn.Module, before: Record<string, Tensor>): void {
  const now = m.stateDict();
  expect(Object.keys(now)).toEqual(Object.keys(before));
  for (const [k, v] of Object.entries(before)) expect(torch.equal(now[k]!, v), `${k} unchanged`).toBe(true);
}
/** Fresh models, whose weights (seed 123) differ from every file's, so a load that does nothing fails the test. */
function freshModels(): Models {
  torch.manualSeed(123);
  return makeModels();
}

describe('Python -> Node: files written by torch.save in Python 2.13', () => {
  it.each(['mlp', 'cnn', 'heads'] as const)('%s: the state_dict loads (strict) into the JS model, in PyTorch key order, and gives the outputs of Python', (name) => {
    const models = freshModels();
    const sd = load(`${name}_state_dict.pt`);
    expect(Object.keys(sd)).toEqual(expected.keys[name]);
    expect(Object.keys(models[name].stateDict())).toEqual(expected.keys[name]);
    const result = models[name].loadStateDict(sd);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const m of Object.values(models)) m.eval();
    const out = modelOutputs(models, inputs);
    const checked = name === 'heads' ? ['heads_cls', 'heads_reg'] : [name];
    for (const k of checked) check(out[k], expected.outputs[k]!, tol, k);
    if (name === 'cnn') {
      const bn = models.cnn.features.at(1) as nn.BatchNorm2d;
      check(bn.num_batches_tracked, { dtype: 'int64', shape: [], data: [3] }, undefined, 'num_batches_tracked');
    }
  });

  it('assign: true makes the loaded tensors the parameters (shared storage, requiresGrad kept from the module), as PyTorch does', () => {
    const { mlp } = freshModels();
    mlp.fc2.weight.requiresGrad_(false);
    const sd = load('mlp_state_dict.pt');
    mlp.loadStateDict(sd, { assign: true });
    expect(mlp.fc1.weight).toBeInstanceOf(nn.Parameter);
    expect([mlp.fc1.weight.requiresGrad, mlp.fc2.weight.requiresGrad]).toEqual([true, false]);
    check(torch.noGrad(() => mlp.call(inputs.mlp!)), expected.outputs.mlp!, tol, 'mlp');
    torch.noGrad(() => sd['fc1.bias']!.zero_()); // Python: m.fc1.bias.data_ptr() == sd['fc1.bias'].data_ptr()
    expect(mlp.fc1.bias!.abs().sum().item()).toBe(0);
  });

  it('a full checkpoint {model, optimizer, epoch, metrics}: resumes the model, reads the SGD state and the Python values', () => {
    const ckpt = torch.load(file('full_checkpoint.pt')) as { model: StateDict; optimizer: { state: Record<string, { momentum_buffer: Tensor }>; param_groups: Record<string, unknown>[] }; epoch: number; metrics: Record<string, unknown> };
    expect(Object.keys(ckpt)).toEqual(['model', 'optimizer', 'epoch', 'metrics']);
    expect(ckpt.epoch).toBe(expected.epoch);
    expect(ckpt.metrics).toEqual(expected.metrics);
    expect(ckpt.optimizer.param_groups).toEqual(expected.optimizer.param_groups);
    expect(Object.keys(ckpt.optimizer.state)).toEqual(expected.optimizer.state_keys.map(String));
    check(ckpt.optimizer.state['0']!.momentum_buffer, expected.optimizer.momentum_buffer_0, undefined, 'momentum_buffer');
    const model = freshModels().cnn;
    model.loadStateDict(ckpt.model);
    model.eval();
    check(torch.noGrad(() => model.call(inputs.cnn!)), expected.cnn_after_sgd, tol, 'cnn after two SGD steps');
  });

  it("mapLocation: a file saved from 'cuda:0' refuses to load on a CPU-only machine, and loads with mapLocation", () => {
    if (torch.cuda.isAvailable()) return;
    // Python's text, up to where it names its own argument spelling (map_location=...; torchnode says { mapLocation: 'cpu' }).
    expect(errorOf(() => load('mlp_cuda.pt')).message).toContain(expected.errors.no_map_location.split(' but ')[0]);
    expect(errorOf(() => load('mlp_cuda.pt')).message).toContain("mapLocation: 'cpu'");
    for (const mapLocation of ['cpu', torch.device('cpu'), { 'cuda:0': 'cpu' }, (s: Tensor) => s] as torch.MapLocation[]) {
      const models = freshModels();
      models.mlp.loadStateDict(load('mlp_cuda.pt', { mapLocation }));
      check(modelOutputs(models, inputs).mlp, expected.outputs.mlp!, tol, 'mlp');
    }
  });

  it("a whole pickled model (torch.save(model, path)): refused as Python's weights_only load refuses it; weightsOnly: false gives inert data, never runs code", () => {
    const unsupported = /Unsupported global: GLOBAL __main__\.MLP was not an allowed global by default/.exec(expected.errors.whole_model)![0];
    expect(errorOf(() => torch.load(file('whole_model.pt'))).message).toContain(unsupported);
    type Pickled = { className: string; state: { _modules: Record<string, Pickled>; _parameters: Record<string, Tensor> } };
    const whole = torch.load(file('whole_model.pt'), { weightsOnly: false }) as Pickled;
    expect(whole).toBeInstanceOf(torch.PickledObject);
    expect(whole.className).toBe('__main__.MLP');
    // The weights are reachable as data: the article's load_checkpoint, done by hand.
    const { mlp } = freshModels();
    mlp.fc1.loadStateDict(whole.state._modules.fc1!.state._parameters);
    mlp.fc2.loadStateDict(whole.state._modules.fc2!.state._parameters);
    check(torch.noGrad(() => mlp.call(inputs.mlp!)), expected.outputs.mlp!, tol, 'mlp');
  });

  it("renamed keys: DataParallel's 'module.' prefix fails a strict load (model unchanged) and loads after renaming by a mapping", () => {
    const { mlp } = freshModels();
    const before = snapshot(mlp);
    const sd = load('mlp_dataparallel.pt');
    expect(Object.keys(sd)[0]).toBe('module.fc1.weight');
    const err = errorOf(() => mlp.loadStateDict(sd));
    expect(err.message).toContain(expected.errors.dataparallel_strict);
    expectUnchanged(mlp, before);
    const renamed = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace(/^module\./, ''), v]));
    mlp.loadStateDict(renamed);
    check(torch.noGrad(() => mlp.call(inputs.mlp!)), expected.outputs.mlp!, tol, 'mlp');
  });

  it('strict: false with a missing and an extra key: returns them, loads the rest, keeps the missing parameter', () => {
    const { heads } = freshModels();
    const regBias = (heads.heads.get('reg') as nn.Linear).bias!.clone();
    const result = heads.loadStateDict(load('heads_partial.pt'), { strict: false });
    expect(result.missingKeys).toEqual(expected.partial.missing);
    expect(result.unexpectedKeys).toEqual(expected.partial.unexpected);
    expect(torch.equal((heads.heads.get('reg') as nn.Linear).bias!, regBias)).toBe(true);
    check(torch.noGrad(() => heads.call(inputs.heads!, 'cls')), expected.partial.cls_output, tol, 'cls head');
  });

  it("strict load of a partial state dict: PyTorch's error text, and the model is left unchanged", () => {
    const { heads } = freshModels();
    const before = snapshot(heads);
    const err = errorOf(() => heads.loadStateDict(load('heads_partial.pt')));
    expect(err.message).toContain(expected.partial.strict_error);
    expectUnchanged(heads, before);
  });

  it("wrong shapes: PyTorch's size-mismatch text (strict or not), and the model is left unchanged", () => {
    const { mlp } = freshModels();
    const before = snapshot(mlp);
    expect(errorOf(() => mlp.loadStateDict(load('mlp_wrong_shape.pt'))).message).toContain(expected.errors.wrong_shape);
    expectUnchanged(mlp, before);
    expect(errorOf(() => mlp.loadStateDict(load('mlp_wrong_shape.pt'), { strict: false })).message).toContain(expected.errors.wrong_shape_nonstrict);
    expectUnchanged(mlp, before);
  });
});

describe('Node -> Python: files written by torchnode, loaded by Python torch 2.13', () => {
  const built = buildNodeCheckpoints(inputs);

  it('the committed Node files are what this torchnode saves today (same seed, same weights, same keys)', () => {
    for (const [name, obj] of Object.entries(built.files)) {
      const committed = torch.load(file(`node/${name}.pt`));
      const sdOf = (o: unknown): StateDict => (name === 'full_checkpoint' ? (o as { model: StateDict }).model : (o as StateDict));
      const [want, got] = [sdOf(obj), sdOf(committed)];
      expect(Object.keys(got), name).toEqual(Object.keys(want));
      for (const k of Object.keys(want)) expect(torch.equal(got[k]!, want[k]!), `${name}: ${k}`).toBe(true);
    }
    // Saved again under the same name (the zip's folder is named after the file), byte for byte what was committed.
    const tmp = mkdtempSync(join(tmpdir(), 'torchnode-ckpt-'));
    try {
      for (const [name, obj] of Object.entries(built.files)) {
        // the full checkpoint's optimizer state comes from a convolution's gradients: its bytes are this CPU identity's
        if (name === 'full_checkpoint' && cpuModel !== expected.cpuModel) continue;
        torch.save(obj, join(tmp, `${name}.pt`));
        expect(readFileSync(join(tmp, `${name}.pt`)).equals(readFileSync(file(`node/${name}.pt`))), `${name}.pt bytes`).toBe(true);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('Python loaded every Node file strictly into the Python models, with the keys in PyTorch order', () => {
    expect(fromNode.torch.startsWith('2.13')).toBe(true);
    expect(Object.entries(fromNode.checks).filter(([, ok]) => !ok).map(([what]) => what)).toEqual([]);
    expect(Object.keys(fromNode.checks).length).toBeGreaterThanOrEqual(8);
    for (const name of ['mlp', 'cnn', 'heads'] as const) expect(Object.keys(built.models[name].stateDict())).toEqual(fromNode.keys[name]);
  });

  it("Node's outputs equal what Python computed from Node's files", () => {
    const out = modelOutputs(built.models, inputs);
    for (const [k, want] of Object.entries(fromNode.outputs)) check(out[k], want, tolFor(fromNode.cpuModel), k);
  });

  it('the full checkpoint: epoch stays an int, metrics and SGD param_groups read back in Python as Node wrote them', () => {
    expect(fromNode.epoch).toBe(NODE_EPOCH);
    expect(fromNode.epoch_type).toBe('int');
    expect(fromNode.metrics).toEqual(NODE_METRICS);
    expect(fromNode.param_groups[0]).toMatchObject({ ...NODE_SGD, params: built.models.cnn.parameters().map((_, i) => i) });
    const buf0 = built.models.cnn.parameters()[0]!.grad!;
    check(buf0, fromNode.momentum_buffer_0, undefined, 'momentum_buffer of parameter 0');
  });

  it("one SGD step in Node from the checkpoint's state equals Python's optim.SGD resumed from Node's file", () => {
    // torch.optim is issue 11: the update below is torch/optim/sgd.py's _single_tensor_sgd (CPU default), line by line.
    const ckpt = torch.load(file('node/full_checkpoint.pt')) as { model: StateDict; optimizer: { state: Record<string, { momentum_buffer: Tensor }>; param_groups: { lr: number; momentum: number; weight_decay: number; dampening: number }[] } };
    const cnn = freshModels().cnn;
    cnn.loadStateDict(ckpt.model);
    cnn.eval();
    cnn.zeroGrad();
    cnn.call(inputs.cnn!).sum().backward();
    const group = ckpt.optimizer.param_groups[0]!;
    torch.noGrad(() => {
      cnn.parameters().forEach((param, i) => {
        const grad = param.grad!.add(param, { alpha: group.weight_decay });
        const buf = ckpt.optimizer.state[String(i)]!.momentum_buffer;
        buf.mul_(group.momentum).add_(grad, { alpha: 1 - group.dampening });
        param.add_(buf, { alpha: -group.lr });
      });
    });
    check(torch.noGrad(() => cnn.call(inputs.cnn!)), fromNode.cnn_after_sgd_step, tolFor(fromNode.cpuModel), 'cnn after one SGD step');
  });
});
