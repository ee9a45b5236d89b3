// Built-in layers called with too many or too few forward arguments raise Python's TypeError (CPython's
// wording, self counted), before forward runs; subclasses with their own forward are not checked.
// The Python side: torch 2.13, `t(f)` printing str(e) of the TypeError f() raises.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const { nn } = torch;
// JS callers get no TypeScript check: the arguments go in untyped.
const call = (m: torch.nn.Module, ...args: unknown[]) => () => (m.call as (...a: unknown[]) => unknown)(...args);

describe('forward arity of built-in layers', () => {
  const x = torch.randn(2, 2);

  it('too many positional arguments: "takes N positional arguments but M were given"', () => {
    // nn.Linear(2,3)(x, x)           -> Linear.forward() takes 2 positional arguments but 3 were given
    // nn.Conv2d(1,1,1)(img, [2,2])    -> Conv2d.forward() takes 2 positional arguments but 3 were given
    // nn.MSELoss()(x, x, x)           -> MSELoss.forward() takes 3 positional arguments but 4 were given
    // nn.CrossEntropyLoss()(x, t, x)  -> CrossEntropyLoss.forward() takes 3 positional arguments but 4 were given
    // nn.ReLU()(x, x)                 -> ReLU.forward() takes 2 positional arguments but 3 were given
    // nn.TripletMarginLoss()(x,x,x,x) -> TripletMarginLoss.forward() takes 4 positional arguments but 5 were given
    expect(call(new nn.Linear(2, 3), x, x)).toThrow(new TypeError('Linear.forward() takes 2 positional arguments but 3 were given'));
    expect(call(new nn.Conv2d(1, 1, 1), torch.randn(1, 1, 2, 2), [2, 2])).toThrow(new TypeError('Conv2d.forward() takes 2 positional arguments but 3 were given'));
    expect(call(new nn.MSELoss(), x, x, x)).toThrow(new TypeError('MSELoss.forward() takes 3 positional arguments but 4 were given'));
    expect(call(new nn.CrossEntropyLoss(), x, torch.tensor([0, 1]), x)).toThrow(new TypeError('CrossEntropyLoss.forward() takes 3 positional arguments but 4 were given'));
    expect(call(new nn.ReLU(), x, x)).toThrow(new TypeError('ReLU.forward() takes 2 positional arguments but 3 were given'));
    expect(call(new nn.TripletMarginLoss(), x, x, x, x)).toThrow(new TypeError('TripletMarginLoss.forward() takes 4 positional arguments but 5 were given'));
  });

  it('optional parameters: "takes from N to K positional arguments"', () => {
    // nn.LSTM(2,2)(x, None, None)                        -> LSTM.forward() takes from 2 to 3 positional arguments but 4 were given
    // nn.MultiheadAttention(2,1)(x,x,x,None,True,None,True,False,None)
    //                                                    -> MultiheadAttention.forward() takes from 4 to 9 positional arguments but 10 were given
    // nn.ConvTranspose2d(1,1,1)(img, [2,2], [2,2])       -> ConvTranspose2d.forward() takes from 2 to 3 positional arguments but 4 were given
    expect(call(new nn.LSTM(2, 2), x, null, null)).toThrow(new TypeError('LSTM.forward() takes from 2 to 3 positional arguments but 4 were given'));
    expect(call(new nn.MultiheadAttention(2, 1), x, x, x, null, true, null, true, false, null))
      .toThrow(new TypeError('MultiheadAttention.forward() takes from 4 to 9 positional arguments but 10 were given'));
    expect(call(new nn.ConvTranspose2d(1, 1, 1), torch.randn(1, 1, 2, 2), [2, 2], [2, 2]))
      .toThrow(new TypeError('ConvTranspose2d.forward() takes from 2 to 3 positional arguments but 4 were given'));
  });

  it('missing required arguments name them as CPython does for 1, 2 and 3', () => {
    // nn.MSELoss()(x)            -> MSELoss.forward() missing 1 required positional argument: 'target'
    // nn.ReLU()()                -> ReLU.forward() missing 1 required positional argument: 'input'
    // nn.MultiheadAttention(2,1)(x, x) -> MultiheadAttention.forward() missing 1 required positional argument: 'value'
    // nn.Bilinear(2,2,2)()       -> Bilinear.forward() missing 2 required positional arguments: 'input1' and 'input2'
    // nn.TripletMarginLoss()()   -> TripletMarginLoss.forward() missing 3 required positional arguments: 'anchor', 'positive', and 'negative'
    // nn.CTCLoss()(x)            -> CTCLoss.forward() missing 3 required positional arguments: 'targets', 'input_lengths', and 'target_lengths'
    expect(call(new nn.MSELoss(), x)).toThrow(new TypeError("MSELoss.forward() missing 1 required positional argument: 'target'"));
    expect(call(new nn.ReLU())).toThrow(new TypeError("ReLU.forward() missing 1 required positional argument: 'input'"));
    expect(call(new nn.MultiheadAttention(2, 1), x, x)).toThrow(new TypeError("MultiheadAttention.forward() missing 1 required positional argument: 'value'"));
    expect(call(new nn.Bilinear(2, 2, 2))).toThrow(new TypeError("Bilinear.forward() missing 2 required positional arguments: 'input1' and 'input2'"));
    expect(call(new nn.TripletMarginLoss())).toThrow(
      new TypeError("TripletMarginLoss.forward() missing 3 required positional arguments: 'anchor', 'positive', and 'negative'"),
    );
    expect(call(new nn.CTCLoss(), x)).toThrow(
      new TypeError("CTCLoss.forward() missing 3 required positional arguments: 'targets', 'input_lengths', and 'target_lengths'"),
    );
  });

  it('names the Python class that defines the forward', () => {
    // nn.ReLU6()(x, x)        -> Hardtanh.forward() takes 2 positional arguments but 3 were given
    // nn.BatchNorm1d(2)(x, x) -> _BatchNorm.forward() takes 2 positional arguments but 3 were given
    // nn.ZeroPad2d(1)(x, x)   -> _ConstantPadNd.forward() takes 2 positional arguments but 3 were given
    expect(call(new nn.ReLU6(), x, x)).toThrow(new TypeError('Hardtanh.forward() takes 2 positional arguments but 3 were given'));
    expect(call(new nn.BatchNorm1d(2), x, x)).toThrow(new TypeError('_BatchNorm.forward() takes 2 positional arguments but 3 were given'));
    expect(call(new nn.ZeroPad2d(1), x, x)).toThrow(new TypeError('_ConstantPadNd.forward() takes 2 positional arguments but 3 were given'));
  });

  it('a trailing options object is the keyword arguments: the forms accepted before still work', () => {
    // nn.Linear(2,3)(x, **{}) -> ok; nn.Linear(2,3)(x, input=x) -> Linear.forward() got multiple values for argument 'input'
    const linear = new nn.Linear(2, 3);
    expect(linear.call(...([x, {}] as unknown as [torch.Tensor])).shape).toEqual([2, 3]);
    expect(call(linear, x, { input: x })).toThrow(new TypeError("Linear.forward() got multiple values for argument 'input'"));
    const lstm = new nn.LSTM(2, 2);
    expect((lstm.call(x, { hx: null })[0] as torch.Tensor).shape).toEqual([2, 2]);
    const mha = new nn.MultiheadAttention(2, 1);
    expect(mha.call(x, x, x, { needWeights: false })[1]).toBeNull();
    expect(mha.call(x, x, x, null, false, null, true, false, {})[1]).toBeNull();
    const deconv = new nn.ConvTranspose2d(1, 1, 3, 2);
    const img = torch.randn(1, 1, 2, 2);
    expect(deconv.call(img, { outputSize: [6, 6] }).shape).toEqual([1, 1, 6, 6]);
    expect(deconv.call(img, [6, 6]).shape).toEqual([1, 1, 6, 6]);
  });

  it('checks the arguments forward gets after the forward pre-hooks, as Python does', () => {
    // m = nn.Linear(2,3); m.register_forward_pre_hook(lambda m, a: (a[0], a[0])); m(x)
    //   -> Linear.forward() takes 2 positional arguments but 3 were given
    const linear = new nn.Linear(2, 3);
    const handle = linear.registerForwardPreHook((_m, args) => [args[0], args[0]]);
    expect(call(linear, x)).toThrow(new TypeError('Linear.forward() takes 2 positional arguments but 3 were given'));
    handle.remove();
    expect(linear.call(x).shape).toEqual([2, 3]);
  });

  it('a subclass with its own forward is not held to the parent\'s arity; one without is', () => {
    // class MyLinear(nn.Linear):
    //     def forward(self, x, scale): return super().forward(x) * scale
    // MyLinear(2,3)(x, 2.0).shape -> torch.Size([2, 3])
    class MyLinear extends nn.Linear {
      override forward(input: torch.Tensor, scale?: number): torch.Tensor { return super.forward(input).mul(scale!); }
    }
    expect(new MyLinear(2, 3).call(x, 2).shape).toEqual([2, 3]);
    // class Plain(nn.Linear): pass; Plain(2,3)(x, x) -> Linear.forward() takes 2 positional arguments but 3 were given
    class Plain extends nn.Linear {}
    expect(call(new Plain(2, 3), x, x)).toThrow(new TypeError('Linear.forward() takes 2 positional arguments but 3 were given'));
    // a user Module: no declaration, no check (as before)
    class Free extends nn.Module {
      override forward(...args: torch.Tensor[]): number { return args.length; }
    }
    expect(new Free().call(x, x, x)).toBe(3);
  });

  it('a lazy layer is checked once it has its forward', () => {
    // Python's LazyLinear(3)(x, x) fails in its initialize_parameters pre-hook; once initialized it is a Linear
    const lazy = new nn.LazyLinear(3);
    expect(lazy.call(x).shape).toEqual([2, 3]);
    expect(call(lazy, x, x)).toThrow(new TypeError('Linear.forward() takes 2 positional arguments but 3 were given'));
  });

  it('required arguments by keyword, as Python takes them', () => {
    // torch.manual_seed(0); lin = nn.Linear(3, 2); x = torch.randn(4, 3)
    // torch.equal(lin(input=x), lin(x))                   -> True
    // mse = nn.MSELoss(); y = torch.randn(4, 3)
    // mse(input=x, target=y), mse(x, target=y), mse(x, y)  -> 1.663507103919983 (each)
    // mse(target=y)                 -> MSELoss.forward() missing 1 required positional argument: 'input'
    // lin(x, input=x)               -> Linear.forward() got multiple values for argument 'input'
    // mse(x, target=y, reduction='sum') -> MSELoss.forward() got an unexpected keyword argument 'reduction'
    // mha = nn.MultiheadAttention(4, 2); q = torch.randn(3, 1, 4)
    // torch.equal(mha(q, key=q, value=q, need_weights=False)[0], mha(q, q, q, need_weights=False)[0]) -> True
    // nn.Identity()(input=x) is x   -> True
    torch.manualSeed(0);
    const lin = new nn.Linear(3, 2);
    const v = torch.randn(4, 3);
    expect(torch.equal(call(lin, { input: v })() as torch.Tensor, lin.call(v))).toBe(true);
    const mse = new nn.MSELoss();
    const y = torch.randn(4, 3);
    expect((call(mse, { input: v, target: y })() as torch.Tensor).item()).toBe(1.663507103919983);
    expect((call(mse, v, { target: y })() as torch.Tensor).item()).toBe(1.663507103919983);
    expect(mse.call(v, y).item()).toBe(1.663507103919983);
    expect(call(mse, { target: y })).toThrow(new TypeError("MSELoss.forward() missing 1 required positional argument: 'input'"));
    expect(call(lin, v, { input: v })).toThrow(new TypeError("Linear.forward() got multiple values for argument 'input'"));
    expect(call(mse, v, { target: y, reduction: 'sum' })).toThrow(TypeError);
    const mha = new nn.MultiheadAttention(4, 2);
    const q = torch.randn(3, 1, 4);
    const byKeyword = (call(mha, q, { key: q, value: q, needWeights: false })() as [torch.Tensor, unknown])[0];
    expect(torch.equal(byKeyword, mha.call(q, q, q, { needWeights: false })[0])).toBe(true);
    const ident = new nn.Identity();
    expect(call(ident, { input: v })()).toBe(v);
    const object = { a: 1 }; // an object without the parameter's name is the input itself
    expect(call(ident, object)()).toBe(object);
  });
});
