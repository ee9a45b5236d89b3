"""CUDA answers of Python torch for test/cuda.test.ts, made on the GPU machine by scripts/gpu-check.sh:
the same libtorch kernels (2.11 + CUDA there), so torchnode must give these bits where the kernel is
deterministic. Inputs are drawn on the CPU (the generator both sides share) and moved to the GPU.
Usage: python3 scripts/device-parity.py OUT.json (PARITY_DEVICE=cpu: the CPU fixture, see scripts/fixtures.sh)"""
import json
import os
import sys

# PARITY_DEVICE=cpu makes test/fixtures/device-parity-cpu.json, on the kernels the CPU fixtures use.
DEV = os.environ.get('PARITY_DEVICE', 'cuda')
if DEV == 'cpu':
    os.environ['ATEN_CPU_CAPABILITY'] = 'avx2'

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def flat(t):
    """Every value as a JSON number: float16/bfloat16 widen to float32 exactly, then to double."""
    t = t.detach().cpu()
    if t.is_floating_point():
        t = t.float()
    return {'dtype': str(t.dtype).removeprefix('torch.'), 'shape': list(t.shape), 'data': t.flatten().tolist()}


def inputs():
    """test/cuda.test.ts draws the same from the CPU generator."""
    torch.manual_seed(0)
    return {'a': torch.randn(24, 16), 'b': torch.randn(16, 8), 'x': torch.randn(2, 3, 8, 8), 'w': torch.randn(4, 3, 3, 3),
            'v': torch.randn(5, 33), 'lin_w': torch.randn(4, 16) * 0.1, 'lin_b': torch.zeros(4), 'lin_x': torch.randn(32, 16),
            'lin_y': torch.randint(0, 4, (32,))}


def elementwise(d):
    a, v = d['a'].to(DEV), d['v'].to(DEV)
    return {'add_mul': flat(a.mul(3).add(a.sin())), 'softmax': flat(v.softmax(1)), 'log_softmax': flat(v.log_softmax(0)),
            'sum': flat(a.sum(0)), 'cumsum': flat(v.cumsum(1)), 'layer_norm': flat(F.layer_norm(v, [33])),
            'sort': flat(v.sort(1).values), 'half': flat(a.half()), 'bfloat16': flat(a.bfloat16()),
            'gelu': flat(F.gelu(v)), 'exp_tanh': flat(v.exp().tanh())}


def blas(d):
    a, b = d['a'].to(DEV), d['b'].to(DEV)
    out = {'matmul': flat(a.matmul(b)), 'conv2d': flat(F.conv2d(d['x'].to(DEV), d['w'].to(DEV), padding=1))}
    with torch.autocast(DEV):
        m = a.matmul(b)
        out['autocast_matmul'] = flat(m)
        out['autocast_dtype'] = str(m.dtype).removeprefix('torch.')
    return out


def rng():
    torch.manual_seed(1)
    r = {'randn': flat(torch.randn(7, device=DEV)), 'rand': flat(torch.rand(5, device=DEV))}
    r['dropout'] = flat(F.dropout(torch.ones(64, device=DEV), 0.5))
    return r


def training(d, **options):
    """Three Adam steps of a linear classifier; the losses and the final parameters."""
    w = d['lin_w'].to(DEV, copy=True).requires_grad_()
    b = d['lin_b'].to(DEV, copy=True).requires_grad_()
    x, y = d['lin_x'].to(DEV), d['lin_y'].to(DEV)
    opt = torch.optim.Adam([w, b], lr=1e-2, **options)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(x.matmul(w.t()).add(b), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {'losses': losses, 'w': flat(w), 'b': flat(b)}


def main():
    d = inputs()
    result = {'torch': torch.__version__, 'cuda': torch.version.cuda, 'device': DEV,
              'exact': {**elementwise(d), **rng()}, 'close': blas(d),
              'adam': {name: training(d, **opts) for name, opts in
                       [('single', {'foreach': False}), ('foreach', {'foreach': True}), ('fused', {'fused': True})]}}
    with open(sys.argv[1], 'w') as f:
        json.dump(result, f)


main()
