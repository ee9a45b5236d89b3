// torch.nn.utils.prune binds its arguments as Python does (API.md: positionals in PyTorch's order,
// every keyword argument also in one trailing options object with camelCase keys), and v1's
// vision.transforms.functional spells to_pil_image `toPilImage` as v2 does. Expected values are
// PyTorch 2.13 / torchvision 0.28 output, from the Python quoted above each test.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';

const { nn } = torch;
const prune = nn.utils.prune;
type Rec = Record<string, torch.Tensor>;
const buf = (m: torch.nn.Module, name: string): torch.Tensor => (m as unknown as Rec)[name]!;
const zeros = (m: torch.nn.Module, name: string): number => buf(m, name).eq(0).sum().item();

class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
}

describe('prune takes keyword arguments in an options object', () => {
  // torch.manual_seed(0); model = LeNet()   # the pruning tutorial's: conv1 (1, 6, 3), conv2 (6, 16, 3), fc1 400->120, fc2 120->84, fc3 84->10
  // params = [(model.conv1, 'weight'), (model.conv2, 'weight'), (model.fc1, 'weight'), (model.fc2, 'weight'), (model.fc3, 'weight')]
  // prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.2)
  // print([int((getattr(m, n) == 0).sum()) for m, n in params])   # [2, 64, 10610, 1205, 87]
  it('globalUnstructured: pruningMethod and amount as options (the tutorial LeNet), and every other form', () => {
    const forms: ((p: (readonly [torch.nn.Module, string])[]) => void)[] = [
      (p) => prune.globalUnstructured(p, { pruningMethod: prune.L1Unstructured, amount: 0.2 }),
      (p) => prune.globalUnstructured({ parameters: p, pruningMethod: prune.L1Unstructured, amount: 0.2 }),
      (p) => prune.globalUnstructured(p, prune.L1Unstructured, { amount: 0.2 }),
      (p) => prune.globalUnstructured(p, prune.L1Unstructured, null, { amount: 0.2 }),
    ];
    for (const form of forms) {
      torch.manualSeed(0);
      const model = new LeNet();
      const params = [[model.conv1, 'weight'], [model.conv2, 'weight'], [model.fc1, 'weight'], [model.fc2, 'weight'], [model.fc3, 'weight']] as const;
      form([...params]);
      expect(params.map(([m, n]) => zeros(m, n))).toEqual([2, 64, 10610, 1205, 87]);
    }
  });

  // torch.manual_seed(0); lin = nn.Linear(4, 5)
  // prune.l1_unstructured(module=lin, name='weight', amount=0.3)   # also l1_unstructured(lin, 'weight', amount=0.3)
  // print(int((lin.weight == 0).sum()), lin.weight_mask.flatten().tolist())
  // 6 [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0]
  it('l1Unstructured: all positional, all options, or mixed', () => {
    const expected = [0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1];
    const forms: ((lin: torch.nn.Linear) => unknown)[] = [
      (lin) => prune.l1Unstructured(lin, 'weight', 0.3),
      (lin) => prune.l1Unstructured({ module: lin, name: 'weight', amount: 0.3 }),
      (lin) => prune.l1Unstructured(lin, { name: 'weight', amount: 0.3 }),
      (lin) => prune.l1Unstructured(lin, 'weight', { amount: 0.3 }),
      (lin) => prune.l1Unstructured(lin, 'weight', 0.3, { importanceScores: null }),
      (lin) => prune.L1Unstructured.apply(lin, 'weight', { amount: 0.3 }),
      (lin) => prune.L1Unstructured.apply({ module: lin, name: 'weight', amount: 0.3 }),
    ];
    for (const form of forms) {
      torch.manualSeed(0);
      const lin = new nn.Linear(4, 5);
      form(lin);
      expect(zeros(lin, 'weight')).toBe(6);
      expect(buf(lin, 'weight_mask').flatten().tolist()).toEqual(expected);
    }
  });

  // torch.manual_seed(0); c = nn.Conv2d(2, 4, 3)
  // prune.ln_structured(c, 'weight', amount=0.5, n=2, dim=0); print(c.weight_mask.sum(dim=(1,2,3)).tolist())   # [0.0, 18.0, 18.0, 0.0]
  // torch.manual_seed(0); c = nn.Conv2d(2, 4, 3)
  // torch.manual_seed(1); prune.random_structured(c, name='weight', amount=1, dim=1); print(c.weight_mask.sum(dim=(0,2,3)).tolist())   # [36.0, 0.0]
  // torch.manual_seed(0); lin = nn.Linear(4, 5)
  // torch.manual_seed(2); prune.random_unstructured(lin, 'weight', amount=3); print(lin.weight_mask.flatten().tolist())
  // [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
  it('lnStructured, randomStructured and randomUnstructured take their options', () => {
    torch.manualSeed(0);
    let c = new nn.Conv2d(2, 4, 3);
    prune.lnStructured(c, 'weight', { amount: 0.5, n: 2, dim: 0 });
    expect(buf(c, 'weight_mask').sum([1, 2, 3]).tolist()).toEqual([0, 18, 18, 0]);
    torch.manualSeed(0);
    c = new nn.Conv2d(2, 4, 3);
    torch.manualSeed(1);
    prune.randomStructured(c, { name: 'weight', amount: 1, dim: 1 });
    expect(buf(c, 'weight_mask').sum([0, 2, 3]).tolist()).toEqual([36, 0]);
    torch.manualSeed(0);
    const lin = new nn.Linear(4, 5);
    torch.manualSeed(2);
    prune.randomUnstructured(lin, 'weight', { amount: 3 });
    expect(buf(lin, 'weight_mask').flatten().tolist()).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]);
  });

  // lin = nn.Linear(2, 2); prune.identity(module=lin, name='bias'); print(sorted(dict(lin.named_buffers())))   # ['bias_mask']
  // lin = nn.Linear(2, 2); prune.custom_from_mask(lin, name='bias', mask=torch.tensor([0., 1.])); print(lin.bias_mask.tolist())   # [0.0, 1.0]
  // prune.remove(module=lin, name='bias'); print(prune.is_pruned(module=lin), sorted(dict(lin.named_parameters())))   # False ['bias', 'weight']
  it('identity, customFromMask, remove and isPruned take their options', () => {
    let lin = new nn.Linear(2, 2);
    prune.identity({ module: lin, name: 'bias' });
    expect(lin.namedBuffers().map(([n]) => n)).toEqual(['bias_mask']);
    lin = new nn.Linear(2, 2);
    prune.customFromMask(lin, { name: 'bias', mask: torch.tensor([0, 1.0]) });
    expect(buf(lin, 'bias_mask').tolist()).toEqual([0, 1]);
    expect(prune.isPruned({ module: lin })).toBe(true);
    prune.remove({ module: lin, name: 'bias' });
    expect(prune.isPruned({ module: lin })).toBe(false);
    expect(lin.namedParameters().map(([n]) => n).sort()).toEqual(['bias', 'weight']);
    prune.l1Unstructured(lin, 'weight', 1);
    prune.remove(lin, { name: 'weight' });
    expect(prune.isPruned(lin)).toBe(false);
  });

  // print(prune.L1Unstructured(amount=0.5).amount, vars(prune.LnStructured(amount=0.5, n=1)))   # 0.5 {'amount': 0.5, 'n': 1, 'dim': -1}
  // print(prune.L1Unstructured(amount=2).prune(torch.tensor([3., -1., 2., 0.5]), importance_scores=torch.tensor([1., 2., 3., 4.])).tolist())
  // [0.0, -0.0, 2.0, 0.5]
  it('the method classes take their options (constructors and prune)', () => {
    expect(new prune.L1Unstructured({ amount: 0.5 }).amount).toBe(0.5);
    const ln = new prune.LnStructured({ amount: 0.5, n: 1 });
    expect([ln.amount, ln.n, ln.dim]).toEqual([0.5, 1, -1]);
    const rs = new prune.RandomStructured(0.5, { dim: 0 });
    expect([rs.amount, rs.dim]).toEqual([0.5, 0]);
    expect(new prune.CustomFromMask({ mask: torch.ones(2) }).mask.tolist()).toEqual([1, 1]);
    const out = new prune.L1Unstructured({ amount: 2 }).prune(torch.tensor([3, -1, 2, 0.5]), { importanceScores: torch.tensor([1, 2, 3, 4.0]) });
    expect(Object.is((out.tolist() as number[])[1], -0)).toBe(true);
    expect(out.tolist()).toEqual([0, -0, 2, 0.5]);
  });

  // prune.l1_unstructured(lin, 'weight', 0.3, amount=0.3)   # TypeError: l1_unstructured() got multiple values for argument 'amount'
  // prune.l1_unstructured(lin, 'weight')                    # TypeError: l1_unstructured() missing 1 required positional argument: 'amount'
  // prune.l1_unstructured(lin, 'weight', 0.3, foo=1)        # TypeError: l1_unstructured() got an unexpected keyword argument 'foo'
  // prune.global_unstructured([(lin, 'weight')], prune.L1Unstructured, foo=1)   # TypeError: L1Unstructured.__init__() got an unexpected keyword argument 'foo'
  // prune.global_unstructured([(lin, 'weight')], amount=1)  # TypeError: global_unstructured() missing 1 required positional argument: 'pruning_method'
  // prune.remove(lin)                                       # TypeError: remove() missing 1 required positional argument: 'name'
  // prune.L1Unstructured()                                  # TypeError: L1Unstructured.__init__() missing 1 required positional argument: 'amount'
  // prune.LnStructured(0.5, n=2, dim=0, amount=1)           # TypeError: LnStructured.__init__() got multiple values for argument 'amount'
  it('a value given twice, a missing argument or an unknown option is a TypeError, as in Python', () => {
    const lin = new nn.Linear(2, 2);
    const loose = prune as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => loose.l1Unstructured!(lin, 'weight', 0.3, { amount: 0.3 })).toThrow(new TypeError("l1Unstructured() got multiple values for argument 'amount'"));
    expect(() => loose.l1Unstructured!(lin, 'weight')).toThrow(new TypeError("l1Unstructured() missing required argument 'amount'"));
    expect(() => loose.l1Unstructured!(lin, 'weight', 0.3, { foo: 1 })).toThrow(TypeError);
    expect(() => loose.l1Unstructured!(lin, 'weight', 0.3, { foo: 1 })).toThrow(/'foo'/);
    expect(() => prune.globalUnstructured([[lin, 'weight']], prune.L1Unstructured, { foo: 1 })).toThrow(/L1Unstructured: .*'foo'/);
    expect(() => prune.globalUnstructured([[lin, 'weight']], { amount: 1 })).toThrow(new TypeError("globalUnstructured() missing required argument 'pruningMethod'"));
    expect(() => loose.remove!(lin)).toThrow(new TypeError("remove() missing required argument 'name'"));
    expect(() => new (prune.L1Unstructured as unknown as new () => unknown)()).toThrow(new TypeError("L1Unstructured() missing required argument 'amount'"));
    expect(() => new (prune.LnStructured as unknown as new (...a: unknown[]) => unknown)(0.5, { n: 2, dim: 0, amount: 1 })).toThrow(new TypeError("LnStructured() got multiple values for argument 'amount'"));
    expect(prune.isPruned(lin)).toBe(false); // nothing above pruned anything
  });

  // a = nn.Linear(2, 2); b = nn.Linear(2, 2)
  // prune.global_unstructured([(a, 'weight'), (b, 'nope')], prune.L1Unstructured, amount=1)
  // # AttributeError: 'Linear' object has no attribute 'nope'
  // print([x[0] for x in a.named_parameters()], [x[0] for x in a.named_buffers()], len(a._forward_pre_hooks))   # ['weight', 'bias'] [] 0
  it("globalUnstructured: a name the module lacks is Python's AttributeError text, before anything is pruned", () => {
    const a = new nn.Linear(2, 2);
    const b = new nn.Linear(2, 2);
    const weight = a.weight;
    expect(() => prune.globalUnstructured([[a, 'weight'], [b, 'nope']], prune.L1Unstructured, { amount: 1 })).toThrow(new Error("'Linear' object has no attribute 'nope'"));
    expect([...a.namedParameters()].map(([n]) => n)).toEqual(['weight', 'bias']);
    expect([...a.namedBuffers()]).toEqual([]);
    expect(a.weight).toBe(weight);
    expect(prune.isPruned(a) || prune.isPruned(b)).toBe(false);
  });
});

describe('vision.transforms.functional.toPilImage (v1)', () => {
  // import torchvision.transforms.functional as F
  // img = F.to_pil_image(torch.tensor([[[0., 0.5], [1., 0.25]]]))
  // print(img.mode, img.size, F.pil_to_tensor(img).tolist())   # L (2, 2) [[[0, 127], [255, 63]]]
  it('is to_pil_image under API.md camelCase name, as v2 spells it; toPILImage stays', () => {
    const VF = vision.transforms.functional;
    const img = VF.toPilImage(torch.tensor([[[0, 0.5], [1, 0.25]]]));
    expect(img.mode).toBe('L');
    expect([img.width, img.height]).toEqual([2, 2]);
    expect(VF.pilToTensor(img).tolist()).toEqual([[[0, 127], [255, 63]]]);
    expect(VF.toPilImage).toBe(VF.toPILImage);
    expect(VF.toPilImage).toBe(vision.transforms.v2.functional.toPilImage);
    // torchvision.transforms.v2.functional has pil_to_tensor too
    expect(vision.transforms.v2.functional.pilToTensor).toBe(VF.pilToTensor);
  });
});
