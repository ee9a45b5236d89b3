"""Fixtures for test/call-forms.test.ts and test/vmap.test.ts: how Python torch 2.13's bindings read their
arguments (factories' requires_grad, the unreduced default of `int reduction=Mean` in torch.*, Tensor.to's
positional forms, options spelled as the native camelCase rule spells them, the legacy sparse names) and
the eager torch.cond / torch.while_loop / torch.vmap. Each case is a Python expression and its JS twin;
the Python result (or error) is recorded. Run: .venv/bin/python scripts/make-call-forms-fixtures.py
"""
import importlib.util
import json
import os
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # the one result encoding; pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

warnings.filterwarnings('ignore')
torch.set_num_threads(1)

OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'call-forms.json')

X = 'torch.arange(6.).reshape(2, 3)'
JS_X = 'torch.arange(6, { dtype: torch.float32 }).reshape(2, 3)'


def per_sample_grads(x, y, w):
    # Python's per-sample gradients go through torch.func.grad (torch.autograd.grad cannot see through
    # functorch's batching); the JS loop calls torch.autograd.grad per sample: the same numbers.
    def loss(w_, xi, yi):
        return ((xi * w_).sum() - yi) ** 2
    return torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0, 0))(w, x, y)


# (group, py, js[, tol]): js is an expression of `torch` and `x` (torch.arange(6.).reshape(2, 3)); `seed` resets both RNGs first.
CASES = [
    # factories: Python's arg parser adds requires_grad to every operator with dtype/layout/device/pin_memory
    ('factory', 'torch.scalar_tensor(-5, requires_grad=True)', 'torch.scalarTensor(-5, { requiresGrad: true })'),
    ('factory', 'torch.scalar_tensor(2.5, dtype=torch.float64, requires_grad=False)', 'torch.scalarTensor(2.5, { dtype: torch.float64, requiresGrad: false })'),
    ('factory', '(lambda t: [t.shape, t.stride(), t.requires_grad])(torch.empty_permuted((2, 3), (1, 0), requires_grad=True))',
     '((t) => [t.shape, t.stride(), t.requiresGrad])(torch.emptyPermuted([2, 3], [1, 0], { requiresGrad: true }))'),
    ('factory', '(lambda t: [t.shape, t.stride(), t.requires_grad])(torch.empty_strided((2, 3), (1, 2), requires_grad=True))',
     '((t) => [t.shape, t.stride(), t.requiresGrad])(torch.emptyStrided([2, 3], [1, 2], { requiresGrad: true }))'),
    ('factory', 'torch.hann_window(4, requires_grad=True)', 'torch.hannWindow(4, { requiresGrad: true })'),
    ('factory', 'torch.kaiser_window(5, False, 3.0, requires_grad=True)', 'torch.kaiserWindow(5, false, 3.0, { requiresGrad: true })'),
    ('factory', 'torch.tril_indices(3, 3, requires_grad=False)', 'torch.trilIndices(3, 3, { requiresGrad: false })'),
    ('factory', 'torch.tril_indices(3, 3, requires_grad=True)', 'torch.trilIndices(3, 3, { requiresGrad: true })'),
    ('factory', 'torch.range(0, 3, requires_grad=True)', 'torch.range(0, 3, { requiresGrad: true })'),
    ('factory', 'torch.full(size=(2, 3), fill_value=0.25)', 'torch.full({ size: [2, 3], fillValue: 0.25 })'),
    ('factory', 'torch.full((2,), fill_value=3, dtype=torch.float64)', 'torch.full([2], { fillValue: 3, dtype: torch.float64 })'),
    ('factory', 'torch.full((2, 2), 7, requires_grad=False)', 'torch.full([2, 2], 7, { requiresGrad: false })'),
    ('factory', 'x.new_zeros(2, 2, requires_grad=True)', 'x.newZeros([2, 2], { requiresGrad: true })'),
    ('factory', 'x.new_full((2,), 7., requires_grad=True)', 'x.newFull([2], 7, { requiresGrad: true })'),
    ('factory', 'torch.fft.fftfreq(4, requires_grad=True)', 'torch.fft.fftfreq(4, { requiresGrad: true })'),
    ('factory', '(lambda t: torch.autograd.grad((t * t).sum(), t)[0])(torch.scalar_tensor(3., requires_grad=True))',
     '((t) => torch.autograd.grad(t.mul(t).sum(), t)[0])(torch.scalarTensor(3, { requiresGrad: true }))'),
    ('factory', 'torch.scalar_tensor(1, requires_grad=1)', 'torch.scalarTensor(1, { requiresGrad: 1 })'),
    # `int reduction=Mean`: Python's torch.* binding cannot parse the default and uses 0 (none)
    ('reduction', 'torch.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3))', 'torch.marginRankingLoss(x, x.flip(1), torch.ones(2, 3))'),
    ('reduction', 'torch.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3), 0.5, 1)', 'torch.marginRankingLoss(x, x.flip(1), torch.ones(2, 3), 0.5, 1)'),
    ('reduction', 'torch.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3), reduction=2)', 'torch.marginRankingLoss(x, x.flip(1), torch.ones(2, 3), { reduction: 2 })'),
    ('reduction', 'torch.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3), margin=1.)', 'torch.marginRankingLoss(x, x.flip(1), torch.ones(2, 3), { margin: 1 })'),
    ('reduction', 'torch.ops.aten.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3))', 'torch.ops.aten.margin_ranking_loss(x, x.flip(1), torch.ones(2, 3))'),
    ('reduction', 'torch.kl_div(x.log_softmax(1), x.softmax(1))', 'torch.klDiv(x.logSoftmax(1), x.softmax(1))'),
    ('reduction', 'torch.kl_div(x.log_softmax(1), x.log_softmax(1), log_target=True)', 'torch.klDiv(x.logSoftmax(1), x.logSoftmax(1), { logTarget: true })'),
    ('reduction', 'torch.kl_div(x.log_softmax(1), x.softmax(1), 2)', 'torch.klDiv(x.logSoftmax(1), x.softmax(1), 2)'),
    ('reduction', 'torch.ops.aten.kl_div(x.log_softmax(1), x.softmax(1))', 'torch.ops.aten.kl_div(x.logSoftmax(1), x.softmax(1))'),
    ('reduction', 'torch.binary_cross_entropy_with_logits(x, torch.ones(2, 3))', 'torch.binaryCrossEntropyWithLogits(x, torch.ones(2, 3))'),
    ('reduction', 'torch.binary_cross_entropy_with_logits(x, torch.ones(2, 3), pos_weight=torch.ones(3))', 'torch.binaryCrossEntropyWithLogits(x, torch.ones(2, 3), { posWeight: torch.ones(3) })'),
    ('reduction', 'torch.cosine_embedding_loss(x, x.flip(1), torch.tensor([1, -1]))', 'torch.cosineEmbeddingLoss(x, x.flip(1), torch.tensor([1, -1]))'),
    ('reduction', 'torch.hinge_embedding_loss(x, torch.tensor([[1, -1, 1], [-1, 1, -1]]))', 'torch.hingeEmbeddingLoss(x, torch.tensor([[1, -1, 1], [-1, 1, -1]]))'),
    ('reduction', 'torch.triplet_margin_loss(x, x + 1, x * 2)', 'torch.tripletMarginLoss(x, x.add(1), x.mul(2))'),
    ('reduction', 'torch.triplet_margin_loss(x, x + 1, x * 2, reduction=1)', 'torch.tripletMarginLoss(x, x.add(1), x.mul(2), { reduction: 1 })'),
    ('reduction', 'torch.ctc_loss(x.T.reshape(3, 1, 2).log_softmax(2), torch.tensor([[1]]), [3], [1])', 'torch.ctcLoss(x.T.reshape(3, 1, 2).logSoftmax(2), torch.tensor([[1]]), [3], [1])'),
    ('reduction', 'torch.ctc_loss(x.T.reshape(3, 1, 2).log_softmax(2), torch.tensor([[1]]), torch.tensor([3]), torch.tensor([1]), 0, 2)',
     'torch.ctcLoss(x.T.reshape(3, 1, 2).logSoftmax(2), torch.tensor([[1]]), torch.tensor([3]), torch.tensor([1]), 0, 2)'),
    # Tensor.to: (dtype | device, dtype | other), then positional non_blocking and copy, then memory_format
    ('to', '(lambda y: [y, y is x])(x.to("cpu", torch.float64, False, True))', "((y) => [y, y === x])(x.to('cpu', torch.float64, false, true))"),
    ('to', '(lambda y: [y, y is x])(x.to(torch.float32, False, True))', '((y) => [y, y === x])(x.to(torch.float32, false, true))'),
    ('to', '(lambda y: [y, y is x])(x.to(torch.float32, False, False))', '((y) => [y, y === x])(x.to(torch.float32, false, false))'),
    ('to', '(lambda y: [y, y is x])(x.to(torch.arange(2), False, True))', '((y) => [y, y === x])(x.to(torch.arange(2), false, true))'),
    ('to', 'x.to(x) is x', 'x.to(x) === x'),
    ('to', 'x.to(None) is x', 'x.to(null) === x'),
    ('to', 'x.to("cpu", None, False, True) is x', "x.to('cpu', null, false, true) === x"),
    ('to', 'x.to("cpu", copy=True) is x', "x.to('cpu', { copy: true }) === x"),
    ('to', 'x.reshape(1, 1, 2, 3).to(torch.float64, memory_format=torch.channels_last).stride()',
     "x.reshape(1, 1, 2, 3).to(torch.float64, { memoryFormat: torch.channelsLast }).stride()"),
    ('to', 'x.reshape(1, 1, 2, 3).to(torch.float64, False, True, memory_format=torch.channels_last).stride()',
     "x.reshape(1, 1, 2, 3).to(torch.float64, false, true, { memoryFormat: torch.channelsLast }).stride()"),
    ('to', 'x.to(torch.float64, 1)', 'x.to(torch.float64, 1)'),
    # options keep Python's spelling where the native camelCase rule leaves it (UPLO, N)
    ('camel', "torch.linalg.eigvalsh(x @ x.T + torch.eye(2), UPLO='U')", "torch.linalg.eigvalsh(x.matmul(x.T).add(torch.eye(2)), { UPLO: 'U' })"),
    ('camel', 'torch.linalg.vander(torch.tensor([1., 2., 3.]), N=4)', 'torch.linalg.vander(torch.tensor([1, 2, 3], { dtype: torch.float32 }), { N: 4 })'),
    # legacy sparse names
    ('sparse', 'torch.dsmm(torch.eye(2).to_sparse(), x[:, :2])', "torch.dsmm(torch.eye(2).toSparse(), x.index(':', ':2'))"),
    ('sparse', 'torch.spmm(torch.eye(2).to_sparse(), x[:, :2])', "torch.spmm(torch.eye(2).toSparse(), x.index(':', ':2'))"),
    ('sparse', 'torch.spmm(x[:, :2], x)', "torch.spmm(x.index(':', ':2'), x)"),
    ('sparse', '(lambda r: [r.layout, r])(torch.hsmm(torch.eye(2).to_sparse(), x[:, :2]))', "((r) => [r.layout, r])(torch.hsmm(torch.eye(2).toSparse(), x.index(':', ':2')))"),
    ('sparse', '(lambda r: [r.layout, r])(torch.saddmm(torch.eye(2).to_sparse(), torch.eye(2).to_sparse(), x[:, :2], beta=2, alpha=3))',
     "((r) => [r.layout, r])(torch.saddmm(torch.eye(2).toSparse(), torch.eye(2).toSparse(), x.index(':', ':2'), { beta: 2, alpha: 3 }))"),
    # torch.cond and torch.while_loop, eager
    ('cond', 'torch.cond(x.sum() > 0, lambda a: a + 1, lambda a: a - 1, (x,))', 'torch.cond(x.sum().gt(0), (a) => a.add(1), (a) => a.sub(1), [x])'),
    ('cond', 'torch.cond(torch.tensor(0.), lambda a, b: a + b, lambda a, b: a - b, (x, x * 2))', 'torch.cond(torch.tensor(0), (a, b) => a.add(b), (a, b) => a.sub(b), [x, x.mul(2)])'),
    ('cond', "torch.cond(torch.tensor(False), lambda a: [a + 1, {'k': a * 1}], lambda a: [a - 1, {'k': a * 2}], [x])",
     'torch.cond(torch.tensor(false), (a) => [a.add(1), { k: a.mul(1) }], (a) => [a.sub(1), { k: a.mul(2) }], [x])'),
    ('cond', 'torch.cond(True, lambda a: (a + 1, a), lambda a: (a - 1, a), (x,))', 'torch.cond(true, (a) => [a.add(1), a], (a) => [a.sub(1), a], [x])'),
    ('cond', 'torch.cond(torch.tensor([True, False]), lambda a: a + 1, lambda a: a - 1, (x,))', 'torch.cond(torch.tensor([true, false]), (a) => a.add(1), (a) => a.sub(1), [x])'),
    ('cond', "torch.cond('yes', lambda a: a + 1, lambda a: a - 1, (x,))", "torch.cond('yes', (a) => a.add(1), (a) => a.sub(1), [x])"),
    ('cond', 'torch.cond(torch.tensor(True), lambda a: a + 1, lambda a: a - 1, (x, 1))', 'torch.cond(torch.tensor(true), (a) => a.add(1), (a) => a.sub(1), [x, 1])'),
    ('cond', 'torch.cond(torch.tensor(True), lambda a: a + 1, lambda a: a - 1, x)', 'torch.cond(torch.tensor(true), (a) => a.add(1), (a) => a.sub(1), x)'),
    ('cond', 'torch.cond(torch.tensor(True), lambda a: a, lambda a: a, (x,))', 'torch.cond(torch.tensor(true), (a) => a, (a) => a, [x])'),
    ('while', 'torch.while_loop(lambda i: i < 3, lambda i: (i + 1,), (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3), (i) => [i.add(1)], [torch.tensor(0)])'),
    ('while', 'torch.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (torch.tensor(0), torch.ones(2)))',
     'torch.whileLoop((i, s) => i.lt(3), (i, s) => [i.add(1), s.mul(2)], [torch.tensor(0), torch.ones(2)])'),
    ('while', 'torch.while_loop(lambda i: i < 3, lambda i: i + 1, (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3), (i) => i.add(1), [torch.tensor(0)])'),
    ('while', 'torch.while_loop(lambda i, s: i > 5, lambda i, s: (i + 1, s.clone()), (torch.tensor(0), x))', 'torch.whileLoop((i, s) => i.gt(5), (i, s) => [i.add(1), s.clone()], [torch.tensor(0), x])'),
    ('while', "torch.while_loop(lambda c: c['n'] < 4, lambda c: ({'n': c['n'] * 2, 'v': c['v'] + c['n']},), ({'n': torch.tensor(1), 'v': torch.zeros(2)},))",
     "torch.whileLoop((c) => c.n.lt(4), (c) => [{ n: c.n.mul(2), v: c.v.add(c.n) }], [{ n: torch.tensor(1), v: torch.zeros(2) }])"),
    ('while', 'torch.while_loop(lambda i: (i < 3).int(), lambda i: (i + 1,), (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3).int(), (i) => [i.add(1)], [torch.tensor(0)])'),
    ('while', 'torch.while_loop(lambda i: i < 3, lambda i: (i + 1, i + 2), (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3), (i) => [i.add(1), i.add(2)], [torch.tensor(0)])'),
    ('while', 'torch.while_loop(lambda i: i < 3, lambda i: (i + 1.5,), (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3), (i) => [i.add(1.5)], [torch.tensor(0)])'),
    ('while', 'torch.while_loop(lambda i: i < 3, 5, (torch.tensor(0),))', 'torch.whileLoop((i) => i.lt(3), 5, [torch.tensor(0)])'),
    ('while', "torch.while_loop(lambda i: i < 3, lambda i: (i + 1,), (torch.tensor(0), 'a'))", "torch.whileLoop((i) => i.lt(3), (i) => [i.add(1)], [torch.tensor(0), 'a'])"),
    # torch.vmap, eager
    ('vmap', 'torch.vmap(torch.dot)(x, x)', 'torch.vmap(torch.dot)(x, x)'),
    ('vmap', 'torch.vmap(lambda a, b: a * b, in_dims=(1, None), out_dims=1)(x, torch.tensor(2.))', 'torch.vmap((a, b) => a.mul(b), { inDims: [1, null], outDims: 1 })(x, torch.tensor(2))'),
    ('vmap', 'torch.vmap(lambda a, b: a * b, (1, None), 1)(x, torch.tensor(2.))', 'torch.vmap((a, b) => a.mul(b), [1, null], 1)(x, torch.tensor(2))'),
    ('vmap', 'torch.vmap(torch.sum, in_dims=-1)(x)', 'torch.vmap((a) => torch.sum(a), { inDims: -1 })(x)'),
    ('vmap', "torch.vmap(lambda d: d['a'] * d['b'], in_dims=({'a': 0, 'b': None},))({'a': x, 'b': torch.tensor(3.)})",
     "torch.vmap((d) => d.a.mul(d.b), { inDims: [{ a: 0, b: null }] })({ a: x, b: torch.tensor(3) })"),
    ('vmap', 'torch.vmap(lambda a: (a.sum(), a * 2), out_dims=(0, 1))(x)', 'torch.vmap((a) => [a.sum(), a.mul(2)], { outDims: [0, 1] })(x)'),
    ('vmap', "torch.vmap(lambda a: {'s': a.sum(), 'm': a.max()})(x)", 'torch.vmap((a) => ({ s: a.sum(), m: a.max() }))(x)'),
    ('vmap', 'torch.vmap(torch.vmap(torch.mul))(x, x + 1)', 'torch.vmap(torch.vmap((a, b) => torch.mul(a, b)))(x, x.add(1))'),
    ('vmap', 'torch.vmap(torch.outer, in_dims=(0, None))(x, torch.tensor([1., 10.]))', 'torch.vmap(torch.outer, { inDims: [0, null] })(x, torch.tensor([1, 10], { dtype: torch.float32 }))'),
    ('vmap', 'torch.vmap(torch.mv, in_dims=(None, 1))(x, torch.ones(3, 4))', 'torch.vmap(torch.mv, { inDims: [null, 1] })(x, torch.ones(3, 4))'),
    ('vmap', 'torch.vmap(lambda a: a.sum(), chunk_size=1)(x)', 'torch.vmap((a) => a.sum(), { chunkSize: 1 })(x)'),
    ('vmap', 'torch.vmap(lambda a: (a * 2, torch.ones(2)), out_dims=(0, None))(x)', 'torch.vmap((a) => [a.mul(2), torch.ones(2)], { outDims: [0, null] })(x)'),
    ('vmap', 'per_sample_grads(x, torch.tensor([1., 2.]), torch.tensor([0.5, -1., 2.]))',
     '((w) => torch.vmap((xi, yi) => torch.autograd.grad(xi.mul(w).sum().sub(yi).pow(2), w)[0])(x, torch.tensor([1, 2], { dtype: torch.float32 })))(torch.tensor([0.5, -1, 2], { requiresGrad: true }))'),
    ('vmap', '(lambda w: (torch.vmap(lambda a: (a * w).sum().sin())(x).sum().backward(), w.grad)[1])(torch.tensor([0.5, -1., 2.], requires_grad=True))',
     '((w) => { torch.vmap((a) => a.mul(w).sum().sin())(x).sum().backward(); return w.grad; })(torch.tensor([0.5, -1, 2], { requiresGrad: true }))'),
    ('vmap', "torch.vmap(lambda a: a + torch.rand(3), randomness='same')(x)", "torch.vmap((a) => a.add(torch.rand(3)), { randomness: 'same' })(x)", 'seed'),
    ('vmap', "(torch.vmap(lambda a: a + torch.rand(3), randomness='same')(x), torch.rand(2))[1]",
     "(torch.vmap((a) => a.add(torch.rand(3)), { randomness: 'same' })(x), torch.rand(2))", 'seed'),
    ('vmap', 'torch.vmap(lambda a: a + torch.rand(3))(x)', 'torch.vmap((a) => a.add(torch.rand(3)))(x)'),
    ("vmap", "torch.vmap(lambda a: a, randomness='sometimes')(x)", "torch.vmap((a) => a, { randomness: 'sometimes' })(x)"),
    ('vmap', 'torch.vmap(torch.mul)(x, torch.ones(3, 3))', 'torch.vmap((a, b) => torch.mul(a, b))(x, torch.ones(3, 3))'),
    ('vmap', 'torch.vmap(lambda a, n: a * n)(x, 2)', 'torch.vmap((a, n) => a.mul(n))(x, 2)'),
    ('vmap', 'torch.vmap(lambda a, n: a * n, in_dims=(0, None))(x, 2)', 'torch.vmap((a, n) => a.mul(n), { inDims: [0, null] })(x, 2)'),
    ('vmap', 'torch.vmap(torch.sum, in_dims=2)(x)', 'torch.vmap((a) => torch.sum(a), { inDims: 2 })(x)'),
    ('vmap', 'torch.vmap(lambda a: 1)(x)', 'torch.vmap((a) => 1)(x)'),
    ('vmap', 'torch.vmap(lambda a: a, in_dims=None)(x)', 'torch.vmap((a) => a, { inDims: null })(x)'),
    ('vmap', 'torch.vmap(lambda a: a, chunk_size=0)(x)', 'torch.vmap((a) => a, { chunkSize: 0 })(x)'),
    # torch.lobpcg (a port of torch/_lobpcg.py): seeded, the same random start
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=2)',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 2 })', 'seed'),
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=2, largest=False)',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 2, largest: false })', 'seed'),
    ('lobpcg', "torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=2, method='basic')",
     "torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 2, method: 'basic' })", 'seed'),
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=1, B=torch.eye(12, dtype=torch.float64) * 2)',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 1, B: torch.eye(12, { dtype: torch.float64 }).mul(2) })', 'seed'),
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=3, niter=4)',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 3, niter: 4 })', 'seed'),
    ('lobpcg', "torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=2, ortho_bparams={'ortho_use_drop': True})",
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 2, orthoBparams: { orthoUseDrop: true } })', 'seed'),
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=1, X=torch.ones(12, 2, dtype=torch.float64))',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 1, X: torch.ones(12, 2, { dtype: torch.float64 }) })', 'seed'),
    ('lobpcg', 'torch.lobpcg((lambda a: a @ a.T + 12 * torch.eye(12, dtype=torch.float64))(torch.randn(12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)), k=5)',
     'torch.lobpcg(((a) => a.matmul(a.T).add(torch.eye(12, { dtype: torch.float64 }).mul(12)))(torch.randn([12, 12], { generator: new torch.Generator().manualSeed(1), dtype: torch.float64 })), { k: 5 })', 'seed'),
    ('lobpcg', 'torch.lobpcg(torch.stack([torch.diag(torch.arange(1., 13.)), torch.diag(torch.arange(13., 1., -1.))]), k=1)[0]', "torch.lobpcg(torch.stack([torch.diag(torch.arange(1, 13, { dtype: torch.float32 })), torch.diag(torch.arange(13, 1, -1, { dtype: torch.float32 }))]), { k: 1 })[0]", 'seed'),
    ('lobpcg', 'torch.lobpcg(torch.eye(3), 2)', 'torch.lobpcg(torch.eye(3), 2)', 'seed'),
    ('lobpcg', 'torch.lobpcg(torch.ones(3, 4))', 'torch.lobpcg(torch.ones(3, 4))', 'seed'),
]


def main():
    cases = []
    for group, py, js, *extra in CASES:
        scope = {'torch': torch, 'x': eval(X), 'per_sample_grads': per_sample_grads}  # noqa: S307 - our own table
        seed = 'seed' in extra
        if seed:
            torch.manual_seed(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                expected = mf.enc(eval(py, scope), with_grad=True)  # noqa: S307
        except Exception as e:  # noqa: BLE001 - the error is the expected result
            expected = {'error': type(e).__name__, 'message': str(e).split('\n')[0][:300]}
        cases.append({'group': group, 'py': py, 'js': js, 'seed': seed, 'expected': expected})
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'x': JS_X, 'cases': cases}, f, indent=1)
        f.write('\n')
    print(f'{len(cases)} cases -> {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
