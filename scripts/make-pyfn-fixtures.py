#!/usr/bin/env python3
"""Fixtures for test/pyfn.test.ts: the functions and Tensor members PyTorch implements in Python
(torch/functional.py, torch/_tensor.py, torch/_lowrank.py) in each of their call forms, with values,
dtypes, shapes, gradients and errors from real PyTorch 2.13.

Run with the project venv:   .venv/bin/python scripts/make-pyfn-fixtures.py   (writes test/fixtures/pyfn.json)

It reuses scripts/make-fixtures.py (the seeded input pool, the Python -> JS translation, the result
encoding) and adds the translations these cases need: Python's Ellipsis in einsum sublists as '...',
len(x) as x.length, float(x) as Number(x), list(x) as [...x] (iteration over dim 0).
"""
import ast
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mf)
torch = mf.torch

_js = mf.js


def js(n):
    if isinstance(n, ast.Constant) and n.value is Ellipsis:
        return "'...'"
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and len(n.args) == 1:
        arg = n.args[0]
        if n.func.id == "len":
            return f"{js(arg)}.length"
        if n.func.id == "float" and not isinstance(arg, ast.Constant):
            return f"Number({js(arg)})"
        if n.func.id == "list":
            return f"[...{js(arg)}]"
    return _js(n)


mf.js = js  # the translator calls itself through the module global

_enc_tensor = mf.enc_tensor


def enc_tensor(t):
    """Complex tensors: the dtype, and the values as interleaved (real, imaginary) floats, as toTypedArray() gives them."""
    if t.is_complex():
        e = _enc_tensor(torch.view_as_real(t.detach().resolve_conj()))
        return {"dtype": str(t.dtype)[len("torch."):], "shape": list(t.shape), "data": e["data"]}
    return _enc_tensor(t)


mf.enc_tensor = enc_tensor

F32_TOL = {"rtol": 1e-5, "atol": 1e-5}
F64_TOL = {"rtol": 1e-12, "atol": 1e-12}


def extra_pool():
    P = mf.POOL
    P["dup"] = torch.tensor([[1, 3, 1], [2, 3, 2], [1, 3, 1], [2, 3, 2]])
    P["seq"] = torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])
    P["fdup"] = torch.tensor([2.5, -1.0, 2.5, float("nan"), 0.0, -0.0, -1.0])
    P["sig"] = torch.randn(64, generator=mf.G, dtype=torch.float64)
    P["bsig"] = torch.randn(2, 40, generator=mf.G, dtype=torch.float64)
    P["win"] = torch.hann_window(16, dtype=torch.float64)
    P["sq"] = torch.randn(3, 3, generator=mf.G, dtype=torch.float64)
    P["bsq"] = torch.randn(2, 3, 3, generator=mf.G, dtype=torch.float64)
    P["tall"] = torch.randn(12, 5, generator=mf.G, dtype=torch.float64)
    P["wide"] = torch.randn(4, 9, generator=mf.G, dtype=torch.float64)
    P["mask"] = torch.tensor([[True, False, True], [False, False, True]])


def cases():
    f = mf.Family("pyfn")
    c = f.case
    # unique / unique_consecutive: every combination of flags, dims, and the Tensor methods
    for inp in ["dup", "i64a", "f32a", "fdup", "boa"]:
        c(f"torch.unique({inp})")
        c(f"torch.unique({inp}, return_inverse=True)")
        c(f"torch.unique({inp}, return_counts=True)")
        c(f"torch.unique({inp}, return_inverse=True, return_counts=True)")
        c(f"{inp}.unique(return_counts=True)")
    for src in ["torch.unique(dup, dim=0)", "torch.unique(dup, dim=1, return_inverse=True, return_counts=True)",
                "torch.unique(dup, sorted=True, return_inverse=True, dim=0)", "torch.unique(dup, True, True, True, 0)",
                "torch.unique(dup, True, False, True)", "dup.unique(True, True)", "torch.unique(dup, dim=-1)",
                "torch.unique(seq, sorted=False).sort()[0]",
                "torch.unique_consecutive(seq)", "torch.unique_consecutive(seq, return_inverse=True)",
                "torch.unique_consecutive(seq, return_counts=True)", "torch.unique_consecutive(seq, True, True)",
                "torch.unique_consecutive(dup, return_counts=True, dim=0)", "seq.unique_consecutive(return_inverse=True, return_counts=True)",
                "dup.unique_consecutive(dim=1)", "fdup.unique_consecutive()"]:
        c(src)
    c("torch.unique(dup, dim=2)", err=True)
    # einsum: equation with varargs, with a list, the sublist form with and without output, ellipsis
    for d in ["f32", "f64"]:
        tol = F32_TOL if d == "f32" else F64_TOL
        for src in ["torch.einsum('ij,jk->ik', {d}a, {d}m)", "torch.einsum('ij,jk->ik', [{d}a, {d}m])", "torch.einsum('ij,jk', {d}a, {d}m)",
                    "torch.einsum({d}a, [0, 1], {d}m, [1, 2], [0, 2])", "torch.einsum({d}a, [0, 1], {d}m, [1, 2])",
                    "torch.einsum('ii', {d}m.narrow(1, 0, 3))", "torch.einsum('ii->i', {d}m.narrow(1, 0, 3))", "torch.einsum('i,i->', {d}b, {d}b)",
                    "torch.einsum('bij,bjk->bik', {d}bm, {d}bn)", "torch.einsum('...ij,...jk', {d}bm, {d}bn)",
                    "torch.einsum({d}bm, [..., 0, 1], {d}bn, [..., 1, 2], [..., 0, 2])", "torch.einsum('ij->ji', {d}a)",
                    "torch.einsum('i,j->ij', {d}b, {d}v)", "torch.einsum('ij,jk,kl->il', {d}a, {d}m, {d}n)", "torch.einsum('ij -> j', {d}a)",
                    "torch.einsum({d}a, [27, 51])"]:
            c(src.format(d=d), tol=tol)
        c(f"x = {d}a.requires_grad_()\ny = torch.einsum('ij,jk->ik', x, {d}m)\ny.mul(torch.ones_like(y).cumsum(-1)).sum().backward()\nx.grad", tol=tol)
    for src in ["torch.einsum('ij,jk->ik', f32a)", "torch.einsum('ij,jk->ik', f32a, f32b)", "torch.einsum('ij->k', f32a)",
                "torch.einsum(f32a, [0, 52])", "torch.einsum(f32a)"]:
        c(src, err=True)
    # meshgrid, broadcast, block_diag, cartesian_prod, chain_matmul, atleast_Nd
    for src in ["torch.meshgrid(i64b, i64v, indexing='ij')", "torch.meshgrid(i64b, i64v, indexing='xy')", "torch.meshgrid([i64b, i64v], indexing='xy')",
                "torch.meshgrid(i64b, i64v)", "torch.meshgrid([i64b, i64s])", "torch.meshgrid(i64b, indexing='xy')",
                "torch.broadcast_tensors(f32a, f32c, f32b)", "torch.broadcast_tensors(f32s, f32bb)", "torch.broadcast_tensors(i64a)",
                "torch.broadcast_shapes([2, 1], [3], [4, 1, 1])", "torch.broadcast_shapes(3, [2, 1])", "torch.broadcast_shapes()", "torch.broadcast_shapes([0, 1], [3])",
                "torch.block_diag(f32a, f32m, f32b)", "torch.block_diag(f32s, i64a)", "torch.block_diag()",
                "torch.cartesian_prod(i64b, i64v)", "torch.cartesian_prod(i64b)", "torch.cartesian_prod(i64b, i64b, i64v)",
                "torch.chain_matmul(f64a, f64m, f64n)", "torch.chain_matmul(f64m)",
                "torch.atleast_1d(f32s)", "torch.atleast_1d(f32a)", "torch.atleast_1d(f32s, f32b)", "torch.atleast_1d([f32s, f32b])",
                "torch.atleast_2d(f32s)", "torch.atleast_2d(f32b)", "torch.atleast_2d(f32s, f32b, f32x)", "torch.atleast_3d(f32s)",
                "torch.atleast_3d(f32a)", "torch.atleast_3d(f32b, f32x)", "torch.atleast_3d([f32a])"]:
        c(src, tol=F64_TOL if "chain" in src else None)
    for src in ["torch.broadcast_tensors(f32a, f32m)", "torch.broadcast_shapes([2, 3], [4])", "torch.broadcast_shapes([2], [-1])", "torch.chain_matmul(f64a, f64a)", "torch.cartesian_prod(i64b, f32b)"]:
        c(src, err=True)
    # tensordot: dims as int (positional and keyword), lists, tuple of lists, a tensor; gradients
    for d in ["f32", "f64"]:
        tol = F32_TOL if d == "f32" else F64_TOL
        for src in ["torch.tensordot({d}a, {d}a, 2)", "torch.tensordot({d}bm, {d}m, dims=2)", "torch.tensordot({d}a, {d}m, 1)",
                    "torch.tensordot({d}a, {d}b, dims=0)", "torch.tensordot({d}a, {d}m, dims=([1], [0]))",
                    "torch.tensordot({d}bm, {d}m.t().reshape(4, 3), [[1, 2], [1, 0]])", "torch.tensordot({d}x, {d}bm, [[0, 1, 2], [0, 1, 2]])",
                    "torch.tensordot({d}a, {d}m, dims=torch.tensor(1))", "torch.tensordot({d}a, {d}m, dims=torch.tensor([[1], [0]]))",
                    "torch.tensordot({d}a, {d}a.mul(2))"]:
            c(src.format(d=d), tol=tol)
        c(f"x = {d}a.requires_grad_()\ny = torch.tensordot(x, {d}m, 1)\ny.mul(torch.ones_like(y).cumsum(-1)).sum().backward()\nx.grad", tol=tol)
    for src in ["torch.tensordot(f32a, f32m, -1)", "torch.tensordot(f32a, f32m, 3)", "torch.tensordot(f32a, f32m, dims=([0], [0]))"]:
        c(src, err=True)
    # split and chunk in every form, function and method
    for src in ["torch.split(i64x, 2)", "torch.split(i64x, 2, 2)", "torch.split(i64x, 3, dim=1)", "torch.split(i64x, [1, 3], 2)",
                "torch.split(i64x, [2, 1], dim=1)", "torch.split(i64x, (1, 1))", "i64x.split(1)", "i64x.split(3, 2)",
                "i64x.split([1, 2], dim=1)", "i64x.split(torch.tensor(2), 2)", "i64x.split(5, -1)", "torch.split(i64b, [0, 3])",
                "torch.chunk(i64x, 2)", "torch.chunk(i64x, 3, 2)", "torch.chunk(i64x, 2, dim=1)", "i64x.chunk(4, -1)", "i64x.chunk(chunks=2, dim=2)",
                "i64x.split(split_size=2, dim=2)", "i64x.split(2, dim=1)", "torch.split(i64x, split_size_or_sections=[1, 1], dim=0)"]:
        c(src)
    c("x = f32x.requires_grad_()\nparts = x.split([1, 3], 2)\nparts[1].mul(parts[1]).sum().backward()\nx.grad")
    for src in ["torch.split(i64x, [1, 1], 2)", "i64x.split(0)", "torch.chunk(i64x, 0)"]:
        c(src, err=True)
    for src in ["torch.unravel_index(torch.tensor(4), (3, 2))", "torch.unravel_index(torch.tensor([4, 1]), (3, 2))", "torch.unravel_index(i64p, 7)",
                "torch.unravel_index(torch.tensor([[22, 41, 37]]), (7, 6))", "torch.unravel_index(i32p, [2, 3, 2])"]:
        c(src)
    c("torch.unravel_index(i64p, (-1, 3))", err=True)
    c("torch.unravel_index(i64p, (0, 3))", err=True)
    # gradients through the variadic shape functions
    for src in ["y = torch.broadcast_tensors(x, f32c)[0]", "y = torch.meshgrid(x.select(0, 0), f32v, indexing='xy')[0]", "y = torch.block_diag(x, f32m)",
                "y = torch.atleast_3d(x)", "y = torch.cartesian_prod(x.select(0, 1), f32v)", "y = torch.chunk(x, 3, 1)[2]"]:
        c("x = f32a.requires_grad_()\n" + src + "\ny.mul(torch.ones_like(y).cumsum(-1)).sum().backward()\nx.grad")
    # nonzero, lu, cdist, stft/istft
    for src in ["torch.nonzero(mask)", "torch.nonzero(mask, as_tuple=True)", "torch.nonzero(mask, as_tuple=False)", "mask.nonzero()",
                "mask.nonzero(as_tuple=True)", "torch.nonzero(i64b, as_tuple=True)", "torch.nonzero(f32s.abs().add(1), as_tuple=True)"]:
        c(src)
    for src in ["torch.lu(sq)", "torch.lu(sq, get_infos=True)", "torch.lu(bsq, pivot=True)", "sq.lu()", "sq.lu(get_infos=True)",
                "torch.lu(bsq, True, True)", "torch.lu(f32m.narrow(1, 0, 3))", "torch.lu(torch.zeros(2, 2, dtype=torch.float64), get_infos=True)"]:
        c(src, tol=F64_TOL if "f32" not in src else F32_TOL)
    c("x = sq.requires_grad_()\ntorch.lu(x)[0].sum().backward()\nx.grad", tol=F64_TOL)
    for d in ["f32", "f64"]:
        tol = F32_TOL if d == "f32" else F64_TOL
        for src in ["torch.cdist({d}a, {d}m.t())", "torch.cdist({d}a, {d}m.t(), 1.5)", "torch.cdist({d}a, {d}m.t(), p=0.5)",
                    "torch.cdist({d}a, {d}m.t(), compute_mode='use_mm_for_euclid_dist')",
                    "torch.cdist({d}a, {d}m.t(), 2.5, 'donot_use_mm_for_euclid_dist')", "torch.cdist({d}bm, {d}bm)",
                    "torch.cdist({d}a, {d}m.t(), compute_mode='donot_use_mm_for_euclid_dist')"]:
            c(src.format(d=d), tol=tol)
        c(f"x = {d}a.requires_grad_()\ntorch.cdist(x, {d}m.t()).sum().backward()\nx.grad", tol=tol)
    c("torch.cdist(f32a, f32a, compute_mode='fast')", err=True)
    for src in ["torch.stft(sig, 16, return_complex=True)", "torch.stft(sig, 16, 4, window=win, return_complex=True)",
                "torch.stft(sig, 16, hop_length=5, win_length=12, window=torch.hann_window(12, dtype=torch.float64), return_complex=True)",
                "torch.stft(sig, 16, window=win, center=False, return_complex=True)", "torch.stft(sig, 16, window=win, pad_mode='constant', return_complex=True)",
                "torch.stft(sig, 16, window=win, normalized=True, onesided=False, return_complex=True)",
                "torch.stft(bsig, 8, 2, window=torch.hann_window(8, dtype=torch.float64), return_complex=True)",
                "torch.view_as_real(torch.stft(sig, 16, window=win, return_complex=True))",
                "torch.stft(sig, 16, window=win, return_complex=False)", "sig.stft(16, window=win, return_complex=True)", "torch.stft(sig, n_fft=16, hop_length=8, return_complex=True)",
                "sig.stft(n_fft=8, window=torch.hann_window(8, dtype=torch.float64), center=False, return_complex=True)",
                "torch.stft(sig, 16, window=win, center=False, align_to_window=True, return_complex=True)",
                "torch.stft(sig.to(torch.float32), 16, window=win.to(torch.float32), return_complex=True)",
                "torch.istft(torch.stft(sig, 16, 4, window=win, return_complex=True), 16, 4, window=win)",
                "torch.istft(torch.stft(sig, 16, 4, window=win, return_complex=True), 16, 4, window=win, length=60)",
                "torch.stft(sig, 16, window=win, return_complex=True).istft(16, window=win, center=True)"]:
        c(src, tol=F32_TOL if "float32" in src else F64_TOL)
    c("x = sig.requires_grad_()\ntorch.stft(x, 16, 4, window=win, return_complex=True).abs().sum().backward()\nx.grad", tol=F64_TOL)
    for src in ["torch.stft(sig, 16)", "torch.stft(sig, 16, window=win, align_to_window=True, return_complex=True)"]:
        c(src, err=True)
    # low-rank SVD / PCA: seeded (the test seeds 0 too); compared through the reconstruction and S
    for src in ["r = torch.svd_lowrank(tall, q=4)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))", "r = torch.svd_lowrank(wide, 3, 1)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))",
                "r = torch.svd_lowrank(tall, q=3, M=tall.mean(0, True))\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))",
                "r = torch.pca_lowrank(tall)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))", "r = torch.pca_lowrank(wide, q=2, center=False)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))",
                "r = torch.pca_lowrank(tall, 4, True, 3)\n(r[0].shape, r[1].shape, r[2].shape, r[1])",
                "r = torch.svd_lowrank(tall.to(torch.float32), q=2)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))",
                # a sparse A is centred through M, never densified
                "r = torch.pca_lowrank(tall.to_sparse(), 3)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))",
                "r = torch.pca_lowrank(wide.to_sparse(), q=2, center=False)\n(r[1], r[0].mul(r[1]).matmul(r[2].mT))"]:
        c(src, tol={"rtol": 1e-4, "atol": 1e-4} if "float32" in src else {"rtol": 1e-9, "atol": 1e-9})
    c("torch.pca_lowrank(tall, q=6)", err=True)
    c("torch.pca_lowrank(bsq.to_sparse(), 2)", err=True)
    # small torch.* predicates and converters
    for src in ["torch.numel(f32x)", "torch.is_tensor(f32a)", "torch.is_tensor(3)", "torch.is_storage(f32a)", "torch.is_nonzero(torch.tensor([2.5]))",
                "torch.is_nonzero(torch.tensor(0))", "torch.is_same_size(f32a, f64a)", "torch.is_same_size(f32a, f32b)",
                "torch.as_tensor([1, 2, 3])", "torch.as_tensor([1, 2], dtype=torch.float64)", "torch.as_tensor(f32a) is f32a",
                "torch.as_tensor(f32a, dtype=torch.float64)", "torch.as_tensor(f32a, dtype=torch.float32) is f32a"]:
        c(src)
    c("torch.is_nonzero(f32a)", err=True)
    # Tensor members from Python
    for src in ["f32a.type()", "f64a.type()", "i64a.type()", "i32a.type()", "boa.type()", "f16a.type()", "bf16a.type()", "u8a.type()", "i8a.type()",
                "f32a.type(torch.float64)", "f32a.type(torch.int32)", "f32a.type(torch.float32) is f32a", "f32a.type('torch.DoubleTensor')",
                "i64a.type('torch.FloatTensor')", "f32a.new_tensor([1, 2])", "i64a.new_tensor([1.5, 2.5])", "f32a.new_tensor([1, 2], dtype=torch.int64)",
                "f64a.new_tensor([[True, False]])", "f32a.element_size()", "f64a.element_size()", "boa.element_size()", "bf16a.element_size()",
                "f32x.nelement()", "f32x.ndimension()", "f32s.ndimension()", "f32a.t().storage_offset()", "f32a[1, :].storage_offset()",
                "f32a.get_device()", "f32a.is_cpu", "f32a.is_sparse", "f32a.is_quantized", "f32a.is_meta", "str(f32a.layout)",
                "torch.zeros(2, device='meta').is_meta"]:
        c(src)
    c("x = f32a.requires_grad_()\ny = x.mul(2)\nz = y.retain_grad()\n(x.retains_grad, y.retains_grad, x.mul(3).retains_grad)")
    c("x = f32a.requires_grad_()\nparts = x.unbind(0)\n(x.output_nr, parts[0].output_nr, parts[1].output_nr, x.max(1)[1].output_nr)")
    c("f32a.type('torch.NoSuchTensor')", err="")
    # torch.tensor of tensors, dtype inferred as Python's infer_scalar_type does
    for src in ["torch.tensor([torch.tensor(1), torch.tensor(2)])", "torch.tensor([torch.tensor(1.5), 2])", "torch.tensor([torch.tensor(1), 2.5])",
                "torch.tensor([torch.tensor([1.5]), torch.tensor([2.5])])", "torch.tensor([torch.tensor([[1]]), 2])", "torch.tensor([[torch.tensor([1])], [2]])", "torch.tensor([[torch.tensor(1), 2], [3, torch.tensor(4)]])",
                "torch.tensor([torch.tensor(1, dtype=torch.int32), torch.tensor(2, dtype=torch.int32)])",
                "torch.tensor([torch.tensor(1, dtype=torch.int8), torch.tensor(2, dtype=torch.uint8)])", "torch.tensor([torch.tensor(True), False])",
                "torch.tensor([torch.tensor(True), 3])", "torch.tensor([torch.tensor(1, dtype=torch.int32), 2])",
                "torch.tensor([torch.tensor(1.5, dtype=torch.float64), torch.tensor(2)])", "torch.tensor([torch.tensor(1), torch.tensor(2)], dtype=torch.float64)",
                "torch.tensor([f32s.requires_grad_(), f32s]).requires_grad", "torch.tensor([f32s, f32s.mul(2)]).grad_fn is None",
                "torch.tensor([i64s, i64s.add(2)])", "torch.tensor([torch.tensor(1152921504606846976), 1])"]:
        c(src)
    c("torch.tensor([f32a, f32b])", err=True)
    # indexing with bools, and dunders: len, iteration, float
    for src in ["f32a[True]", "f32a[False]", "f32a[True, 1]", "f32a[0, True]", "f32a[..., False]", "f32a[None, True]", "f32s[True]", "f32s[False]",
                "f32a[[True, False]]", "f32a[[1, 0, 1]]", "f32x[True, 1, False]",
                "len(f32a)", "len(f32x)", "len(f32b)", "list(f32a)", "list(f32b)", "float(torch.tensor([2.5]))", "float(f32s)", "float(torch.tensor(3))",
                "float(torch.tensor([[True]]))"]:
        c(src)
    for src in ["float(f32a)", "f32a[True, 1, 2, 0]"]:
        c(src, err="")
    # advanced indices after a multi-dim mask: aten::index's list holds the mask once, however many dims it spans
    m23 = "torch.tensor([[True, False, True], [False, True, False]])"
    m22 = "torch.tensor([[True, False], [False, True]])"
    x24 = "torch.arange(24).reshape(2, 3, 4)"
    y24 = "torch.arange(24).reshape(2, 3, 2, 2)"
    for src in [f"{x24}[{m23}, torch.tensor([1, 2, 3])]", f"{x24}[{m23}, 1:3]", f"{x24}[{m23}, ...]", f"{x24}[{m23}, None, torch.tensor([0, 3, 1])]",
                f"{y24}[torch.tensor([0, 1]), :, {m22}]", f"{y24}[:, torch.tensor([0, 2]), {m22}]", f"{y24}[{m23}, 1, torch.tensor([0, 1, 1])]",
                f"{x24}[torch.tensor(True), torch.tensor([0, 1])]", f"{x24}[torch.tensor([True, False]), torch.tensor([[True, False, True, False], [False, True, True, True], [True, True, False, False]])]",
                f"x = torch.zeros(2, 3, 4)\nx[{m23}, torch.tensor([1, 2, 3])] = 1.5\nx",
                f"x = torch.zeros(2, 3, 4)\nx[{m23}, torch.tensor([1, 2, 3])] = torch.tensor([0.5, 1.5, 2.5])\nx",
                f"x = torch.zeros(2, 3, 2, 2)\nx[torch.tensor([1, 0]), :, {m22}] = 2.5\nx"]:
        c(src)
    c(f"{x24}[{m23}, torch.tensor([1, 2]), 0]", err=True)
    # torch.norm: sparse tensors take the older frobenius_norm / norm operators; out= on the linalg path
    for src in ["torch.norm(f32a.to_sparse())", "torch.norm(f32a.to_sparse(), 1)", "f32a.to_sparse().norm()", "torch.norm(f64a.to_sparse(), 3)",
                "torch.norm(f32a.to_sparse(), 'fro', [0, 1])", "torch.norm(f64a.to_sparse(), p=2, dim=[0, 1])",
                "o = f32s.clone()\ntorch.norm(f32a, 2, out=o)\no", "o = f64b.clone()\ntorch.norm(f64a, 'fro', 1, out=o)\no"]:
        c(src, tol=F32_TOL if "f32" in src else F64_TOL)
    for src in ["torch.norm(f32a.to_sparse(), 2, 0)", "torch.norm(f32a.to_sparse(), 'fro', dtype=torch.float64)",
                "torch.norm(f32a.to_sparse(), 'abc')", "torch.norm(f32a.to_sparse(), 3, dtype=torch.float64)", "torch.norm(f64a.to_sparse(), 1, [0, 1], True)"]:
        c(src, err=True)
    return f


def main():
    mf.make_pool()
    extra_pool()
    fam = cases()
    if mf.PROBLEMS:
        print("\n".join(mf.PROBLEMS), file=sys.stderr)
        return 1
    fam.write()
    path = os.path.join(mf.OUT_DIR, "pyfn.json")
    with open(path) as fh:  # name this script as the generator
        text = fh.read().replace('"generator":"scripts/make-fixtures.py"', '"generator":"scripts/make-pyfn-fixtures.py"', 1)
    with open(path, "w") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
