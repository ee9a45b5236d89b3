// torch.jit.load parity with Python torch 2.13 (test/fixtures/jit/parity.json, parity_tied.pt and
// parity_args.pt, made by scripts/make-jit-parity-fixtures.py): tied parameters stay one parameter,
// positional Optional[Dict] arguments, torch.dtype / torch.device / torch.memory_format / torch.layout
// arguments, and torch.device results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { check, makeTensor, type Enc, type TensorEnc } from './golden-replay.js';

const dir = new URL('./fixtures/jit/', import.meta.url).pathname;
const py = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as {
  tied: Record<string, TensorEnc & string[] & number & boolean>;
  args: Record<string, TensorEnc & string & number & number[]> & { retdt: [string, string, string, number[]]; retdev: [string, string] };
};
type Methods = torch.jit.ScriptModule & Record<string, (...a: unknown[]) => unknown> & Record<string, torch.jit.ScriptModule & { weight: torch.Tensor; steps: torch.Tensor }>;
const load = (name: string): Methods => torch.jit.load(join(dir, name)) as Methods;
const same = (actual: unknown, exp: Enc, path: string): void => check(actual, exp, undefined, path);

describe('torch.jit.load: tied parameters and shared buffers (Tied: l2.weight = l1.weight, shared = l1, c1 and c2 one buffer)', () => {
  it('deduplicates them as Python: one Parameter object in every slot, all state_dict keys', () => {
    const t = load('parity_tied.pt');
    expect(t.namedParameters().map(([n]) => n)).toEqual(py.tied.namedParameters); // ['l1.weight']
    expect(t.parameters().length).toBe(py.tied.parameters); // 1
    expect(t.namedBuffers().map(([n]) => n)).toEqual(py.tied.namedBuffers); // ['c1.steps']
    expect(Object.keys(t.stateDict())).toEqual(py.tied.stateDict); // l1.weight, l2.weight, shared.weight, c1.steps, c2.steps
    expect(t.namedModules().map(([n]) => n)).toEqual(py.tied.namedModules);
    expect(py.tied.sameWeight).toBe(true);
    expect(t.l1.weight).toBe(t.l2.weight);
    expect(t.l1.weight).toBe(t.shared.weight);
    expect(t.l1.weight).toBeInstanceOf(torch.nn.Parameter);
    expect(py.tied.sameBuffer).toBe(true);
    expect(t.c1.steps).toBe(t.c2.steps);
  });

  it('dispose frees every tensor the load made, the ones the Parameters replaced included, while the Parameters are held', () => {
    const before = native.handleStats().tensors;
    const t = load('parity_tied.pt');
    const held = t.parameters(); // as an optimizer holds them
    t.dispose();
    expect(held.every((p) => p.isDisposed)).toBe(true);
    expect(native.handleStats().tensors - before).toBe(0);
  });

  it('the one parameter gets the whole gradient (the sum of its three uses), as in Python', () => {
    const t = load('parity_tied.pt');
    const x = makeTensor(py.tied.x);
    const y = t.call(x) as torch.Tensor;
    same(y, py.tied.forward, 'forward');
    y.sum().backward();
    same(t.l1.weight.grad, py.tied.grad, 'l1.weight.grad');
    same(t.l2.weight.grad, py.tied.grad, 'l2.weight.grad');
  });

  it('an optimizer step moves the tied weight once, everywhere', () => {
    const t = load('parity_tied.pt');
    const opt = new torch.optim.SGD(t.parameters(), { lr: 1 });
    (t.call(makeTensor(py.tied.x)) as torch.Tensor).sum().backward();
    const before = t.l1.weight.detach().clone();
    opt.step();
    // w - grad, for the weight every slot of the TorchScript module holds
    const expected = before.sub(makeTensor(py.tied.grad));
    for (const w of [t.l1.weight, t.l2.weight, t.shared.weight, t.l1.attr('weight') as torch.Tensor, t.l2.attr('weight') as torch.Tensor])
      expect(torch.equal(w, expected)).toBe(true);
  });

  it('stays tied when saved from Node (Python loads js_tied.pt with l1.weight is l2.weight)', () => {
    // Python 2.13 on the file this test saves:
    //   t = torch.jit.load('js_tied.pt'); print([n for n, _ in t.named_parameters()], t.l1.weight is t.l2.weight, t.c1.steps is t.c2.steps)
    //   ['l1.weight'] True True
    const t = load('parity_tied.pt');
    const r = torch.jit.load(t.saveToBuffer()) as Methods;
    expect(r.namedParameters().map(([n]) => n)).toEqual(py.tied.resavedNamedParameters);
    expect(py.tied.resavedSameWeight).toBe(true);
    expect(r.l1.weight).toBe(r.l2.weight);
    expect(r.namedBuffers().map(([n]) => n)).toEqual(py.tied.namedBuffers);
  });
});

describe('torch.jit.load: arguments Python accepts', () => {
  const k = load('parity_args.pt');
  const y = makeTensor(py.args.y);
  const a = makeTensor(py.args.a);

  it('a positional Optional[Dict[str, Tensor]] is the dict, not keyword arguments', () => {
    same(k.call(y, { a }), py.args.forwardDict, 'k(y, {"a": a})');
    same(k.forward(y, { a }), py.args.forwardDict, 'k.forward(y, {"a": a})');
    same(k.call(y, null), py.args.forwardNone, 'k(y, None)');
    // keyword form (Python's k(y, opts={'a': a})): the object is not a Dict[str, Tensor] and names an argument
    same(k.call(y, { opts: { a } }), py.args.forwardDict, 'k(y, opts={"a": a})');
    // Union[Dict[str, Tensor], int]
    same(k.either(y, { a }), py.args.eitherDict, 'k.either(y, {"a": a})');
    same(k.either(y, 3), py.args.eitherInt, 'k.either(y, 3)');
  });

  it('torch.dtype for int and torch.device for Device, positional and as keywords', () => {
    expect(py.args.todtSchema).toBe('todt(__torch__.Args self, Tensor x, int dtype, Device device) -> Tensor');
    same(k.todt(y, torch.float64, torch.device('cpu')), py.args.todt, 'k.todt(y, torch.float64, torch.device("cpu"))');
    same(k.todt(y, 7, torch.device('cpu')), py.args.todtInt, 'k.todt(y, 7, torch.device("cpu"))');
    same(k.todt(y, torch.int32, 'cpu'), py.args.todtStr, 'k.todt(y, torch.int32, "cpu")');
    same(k.todt(y, { dtype: torch.float16, device: torch.device('cpu') }), py.args.todtKw, 'k.todt(y, dtype=torch.float16, device=torch.device("cpu"))');
    expect(k.dev(torch.device('cpu'))).toBe(py.args.devType);
    // Python: a dtype where a Device goes is a TypeError too
    expect(() => k.todt(y, torch.float64, torch.float32)).toThrow(/Expected a value of type 'Device' for argument 'device'/);
  });

  it('torch.memory_format and torch.layout for int (their c10 codes)', () => {
    const img = torch.zeros([1, 2, 3, 4]);
    expect(k.fmt(img, torch.channelsLast)).toEqual(py.args.fmtChannelsLast); // [24, 1, 8, 2]
    expect(k.fmt(img, torch.contiguousFormat)).toEqual(py.args.fmtContiguous);
    expect(k.lay(torch.strided)).toBe(py.args.layStrided); // 0
    expect(k.lay(torch.sparseCoo)).toBe(py.args.laySparseCoo); // 1
  });

  it('returns a torch.device as a torch.device (dtype as TorchScript\'s int), as Python does', () => {
    const [dt, dev, shape] = k.retdt(y) as [number, torch.Device, number[]];
    const [pyDt, pyDevType, pyDev, pyShape] = py.args.retdt; // ['6', 'device', 'cpu', [1, 2]]
    expect(String(dt)).toBe(pyDt);
    expect(pyDevType).toBe('device');
    expect(dev).toBeInstanceOf(torch.Device);
    expect(String(dev)).toBe(pyDev);
    expect(shape).toEqual(pyShape);
    const r = k.retdev(y);
    expect(r).toBeInstanceOf(torch.Device);
    expect(String(r)).toBe(py.args.retdev[1]);
  });
});
