#!/usr/bin/env python3
"""Golden fixtures for test/namespaces.test.ts: real calls of every public function of torch.linalg,
torch.fft and torch.special, made by Python torch 2.13 on seeded inputs (float32 and float64, complex
for fft, gradients through .backward() of a sum for differentiable ones, error cases).

Usage: .venv/bin/python scripts/make-namespace-fixtures.py   (writes test/fixtures/namespaces.json;
deterministic: run it twice, nothing changes).

Each case is a Python snippet translated to the torchnode spelling by scripts/make-fixtures.py's
translator (camelCase names, keyword arguments as one options object). Decompositions whose result
is unique only up to signs or phases (svd, eig, eigh, qr) record invariant quantities instead: the
reconstruction, singular values, |entries|, as PyTorch's own tests do. LAPACK, BLAS and MKL's FFT pick
their kernels by CPU model, so those cases carry tolerances; the rest (torch.special, the fft helpers,
views) is compared bit for bit on the pinned AVX2 kernels.
"""
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "namespaces.json")
NAMESPACES = ("linalg", "fft", "special")

# LAPACK / BLAS / MKL FFT results: MKL chooses code paths by CPU, so allow rounding differences.
LAPACK = {"f32": {"rtol": 2e-4, "atol": 2e-5}, "f64": {"rtol": 1e-10, "atol": 1e-12}}
FFT = {"f32": {"rtol": 1e-5, "atol": 1e-5}, "f64": {"rtol": 1e-12, "atol": 1e-12}}
DT = {"f32": torch.float32, "f64": torch.float64}
DTYPE = {"f32": "torch.float32", "f64": "torch.float64"}

# ---------------------------------------------------------------------------------------------
# Inputs: seeded, stored exactly in the fixture


G = torch.Generator().manual_seed(20261130)
POOL = {}


def randn(*shape):
    return torch.randn(*shape, generator=G, dtype=torch.float64)


def make_pool():
    base = {}
    sq = randn(3, 3)
    base["sq"] = sq + 2 * torch.eye(3, dtype=torch.float64)       # invertible, det of either sign
    base["neg"] = torch.tensor([[0.0, 1.0, 0.5], [1.5, 0.0, 0.25], [0.0, 0.5, 2.0]], dtype=torch.float64)  # det < 0
    base["bsq"] = randn(2, 3, 3) + 2 * torch.eye(3, dtype=torch.float64)
    m = randn(3, 3)
    base["spd"] = m @ m.mT + 3 * torch.eye(3, dtype=torch.float64)  # symmetric positive-definite
    s = randn(3, 3)
    base["sym"] = s + s.mT                                        # symmetric, indefinite
    base["tall"] = randn(4, 3)
    base["wide"] = randn(3, 4)
    base["rhs"] = randn(3, 2)
    base["rhs4"] = randn(4, 2)
    base["vec"] = randn(4)
    base["va"] = randn(2, 3)
    base["vb"] = randn(2, 3)
    base["low"] = torch.tril(randn(3, 3)) + 3 * torch.eye(3, dtype=torch.float64)
    base["rank2"] = randn(4, 2) @ randn(2, 3)                      # rank-deficient 4x3
    base["six"] = randn(6, 6) + 4 * torch.eye(6, dtype=torch.float64)
    base["b23"] = randn(2, 3)
    base["sig"] = randn(8)
    base["odd"] = randn(7)
    base["sig2"] = randn(4, 6)
    base["sig3"] = randn(2, 4, 6)
    base["x"] = randn(2, 3) * 2
    base["pos"] = torch.rand(2, 3, generator=G, dtype=torch.float64) * 4 + 0.125
    base["unit"] = torch.rand(2, 3, generator=G, dtype=torch.float64) * 0.9 + 0.05    # (0, 1)
    base["sgn"] = torch.rand(2, 3, generator=G, dtype=torch.float64) * 1.8 - 0.9      # (-1, 1)
    base["big"] = torch.rand(2, 3, generator=G, dtype=torch.float64) * 3 + 1.5        # > 1 (zeta, multigammaln)
    for pre, dt in DT.items():
        for name, t in base.items():
            POOL[pre + name] = t.to(dt)
    for pre, dt in (("c64", torch.complex64), ("c128", torch.complex128)):
        POOL[pre + "sig"] = torch.complex(randn(8), randn(8)).to(dt)
        POOL[pre + "sig2"] = torch.complex(randn(4, 6), randn(4, 6)).to(dt)
        POOL[pre + "sq"] = torch.complex(randn(3, 3), randn(3, 3)).to(dt)
    POOL["i64n"] = torch.tensor([[0, 1, 2], [3, 4, 5]])
    POOL["i64a"] = torch.tensor([[-3, 0, 2], [5, -1, 7]])


def enc_tensor(t):
    """As make-fixtures.py, plus complex tensors (data: re, im interleaved)."""
    t = t.detach()
    if t.is_complex():
        real = mf.enc_tensor(torch.view_as_real(t.resolve_conj()))
        return {"dtype": str(t.dtype)[len("torch."):], "shape": list(t.shape), "data": real["data"]}
    return mf.enc_tensor(t)


def camel(name):
    return re.sub(r"(?<=[a-z0-9])_([a-z0-9])", lambda m: m.group(1).upper(), name)


def enc(v):
    if isinstance(v, torch.Tensor):
        return enc_tensor(v)
    if isinstance(v, tuple) and type(v).__module__ == "torch.return_types":
        return {"named": {camel(k): enc(getattr(v, k)) for k in type(v).__match_args__}}
    if isinstance(v, (tuple, list)):
        return {"seq": [enc(e) for e in v]}
    return mf.enc(v)


# ---------------------------------------------------------------------------------------------
# Cases

CASES = []
PROBLEMS = []
CALLED = {ns: set() for ns in NAMESPACES}


def case(src, tol=None, err=None):
    """tol: a tolerance dict (or None: bit-exact). err: the Python exception class the snippet must
    raise; the JS error must contain its message (and be a torch.linalg.LinAlgError where Python's is)."""
    src = src.strip("\n")
    uses = sorted({n for n in re.findall(r"\b\w+\b", src) if n in POOL})
    env = {"torch": torch, **{n: POOL[n].clone() for n in uses}}
    torch.manual_seed(0)
    for ns, name in re.findall(r"torch\.(linalg|fft|special)\.(\w+)", src):
        CALLED[ns].add(name)
    try:
        result = mf.run_py(src, env)
    except Exception as e:  # noqa: BLE001
        if err is None or not isinstance(e, err):
            PROBLEMS.append(f"{src!r} raised {type(e).__name__}: {str(e).splitlines()[0]}")
            return
        expected = {"error": str(e).split("\n")[0], "errorType": "LinAlgError" if isinstance(e, torch.linalg.LinAlgError) else type(e).__name__}
    else:
        if err is not None:
            PROBLEMS.append(f"{src!r} was expected to raise {err.__name__}")
            return
        expected = enc(result)
    try:
        js = mf.to_js(src, uses)
    except (ValueError, AssertionError, KeyError) as e:
        PROBLEMS.append(f"{src!r} does not translate: {e}")
        return
    c = {"py": src, "js": js, "uses": uses, "expected": expected}
    if tol:
        c["tol"] = tol
    if any(o["js"] == js for o in CASES):
        PROBLEMS.append(f"duplicate case {src!r}")
        return
    CASES.append(c)


def grad(pre, call, inp, tol=None, reduce="sum()"):
    """The value y of `call` on x, a fresh leaf copy of `inp` (a pool name), and the gradient of y.<reduce> (sum() by default) with respect to x."""
    case(f"x = {pre}{inp}.clone().requires_grad_()\ny = {call}\ny.{reduce}.backward()\n(y, x.grad)", tol)


def linalg():
    for p in DT:
        L = LAPACK[p]
        # Cholesky family
        case(f"torch.linalg.cholesky({p}spd)", L)
        case(f"torch.linalg.cholesky({p}spd, upper=True)", L)
        grad(p, "torch.linalg.cholesky(x)", "spd", L)
        case(f"torch.linalg.cholesky_ex({p}spd)", L)
        case(f"torch.linalg.cholesky_ex({p}sym).info")
        case(f"torch.linalg.cholesky({p}sym)", err=torch.linalg.LinAlgError)
        # determinants, inverses, solves
        case(f"torch.linalg.det({p}sq)", L)
        case(f"torch.linalg.det({p}bsq)", L)
        grad(p, "torch.linalg.det(x)", "sq", L)
        case(f"torch.linalg.slogdet({p}neg)", L)
        case(f"torch.linalg.slogdet({p}bsq)[1]", L)
        grad(p, "torch.linalg.slogdet(x).logabsdet", "sq", L)
        case(f"torch.linalg.inv({p}sq)", L)
        case(f"torch.linalg.inv({p}bsq)", L)
        grad(p, "torch.linalg.inv(x)", "sq", L)
        case(f"torch.linalg.inv_ex({p}sq)", L)
        case(f"torch.linalg.inv_ex(torch.zeros(3, 3, dtype={DTYPE[p]})).info")
        case(f"torch.linalg.solve({p}sq, {p}rhs)", L)
        case(f"torch.linalg.solve({p}sq, {p}rhs.mT, left=False)", L)
        case(f"torch.linalg.solve({p}bsq, {p}b23)", L)
        grad(p, f"torch.linalg.solve(x, {p}rhs[:, 0])", "sq", L)
        case(f"torch.linalg.solve_ex({p}sq, {p}rhs)", L)
        case(f"torch.linalg.solve_triangular({p}low, {p}rhs, upper=False)", L)
        case(f"torch.linalg.solve_triangular({p}low.mT, {p}rhs, upper=True, unitriangular=True)", L)
        case(f"torch.linalg.solve_triangular({p}low, {p}rhs.mT, upper=False, left=False)", L)
        # LU
        case(f"torch.linalg.lu({p}sq)", L)
        case(f"torch.linalg.lu({p}tall)", L)
        grad(p, "torch.linalg.lu(x).U", "sq", L)
        case(f"torch.linalg.lu_factor({p}sq)", L)
        case(f"torch.linalg.lu_factor_ex({p}bsq)", L)
        case(f"r = torch.linalg.lu_factor({p}sq)\ntorch.linalg.lu_solve(r.LU, r.pivots, {p}rhs)", L)
        case(f"r = torch.linalg.lu_factor({p}sq)\ntorch.linalg.lu_solve(r.LU, r.pivots, {p}rhs, adjoint=True)", L)
        case(f"r = torch.linalg.lu_factor({p}sq)\ntorch.linalg.lu_solve(r.LU, r.pivots, {p}rhs.mT, left=False)", L)
        # LDL
        case(f"torch.linalg.ldl_factor({p}sym)", L)
        case(f"torch.linalg.ldl_factor({p}spd, hermitian=True)", L)
        case(f"torch.linalg.ldl_factor_ex({p}sym)", L)
        case(f"r = torch.linalg.ldl_factor({p}sym)\ntorch.linalg.ldl_solve(r.LD, r.pivots, {p}rhs)", L)
        # least squares, pseudo-inverse, rank
        case(f"torch.linalg.lstsq({p}tall, {p}rhs4)", L)
        case(f"torch.linalg.lstsq({p}tall, {p}rhs4, driver='gelsd')", L)
        case(f"torch.linalg.lstsq({p}rank2, {p}rhs4, driver='gelss').rank")
        case(f"torch.linalg.pinv({p}tall)", L)
        case(f"torch.linalg.pinv({p}sym, hermitian=True)", L)
        case(f"torch.linalg.pinv({p}rank2, atol=0.001, rtol=0.0001)", L)
        grad(p, "torch.linalg.pinv(x)", "tall", L)
        case(f"torch.linalg.matrix_rank({p}rank2)")
        case(f"torch.linalg.matrix_rank({p}sq)")
        case(f"torch.linalg.matrix_rank({p}sym, hermitian=True)")
        case(f"torch.linalg.matrix_rank({p}rank2, atol=0.5, rtol=0.25)")
        # eigen- and singular value decompositions: invariants only for the vectors
        case(f"r = torch.linalg.eigh({p}sym)\n(r.eigenvalues, r.eigenvectors.matmul(torch.diag_embed(r.eigenvalues)).matmul(r.eigenvectors.mT), r.eigenvectors.abs())", L)
        case(f"r = torch.linalg.eigh({p}sym, UPLO='U')\n(r.eigenvalues, r.eigenvectors.abs())", L)
        case(f"torch.linalg.eigvalsh({p}spd)", L)
        case(f"torch.linalg.eigvalsh({p}sym, UPLO='U')", L)
        grad(p, "torch.linalg.eigvalsh(x)", "sym", L, reduce="pow(2).sum()")
        case(f"r = torch.linalg.eig({p}sym)\n(r.eigenvalues, r.eigenvectors.matmul(torch.diag_embed(r.eigenvalues)).matmul(torch.linalg.inv(r.eigenvectors)))", L)
        case(f"torch.linalg.eigvals({p}spd).real.sort().values", L)
        case(f"torch.linalg.eigvals({p}sq).abs().sort().values", L)
        case(f"r = torch.linalg.svd({p}tall)\n(r.S, r.U.shape, r.Vh.shape, r.U[:, :3].matmul(torch.diag(r.S)).matmul(r.Vh), r.Vh.abs())", L)
        case(f"r = torch.linalg.svd({p}wide, full_matrices=False)\n(r[1], r[0].abs(), r[0].matmul(torch.diag_embed(r[1])).matmul(r[2]))", L)
        case(f"torch.linalg.svdvals({p}bsq)", L)
        grad(p, "torch.linalg.svdvals(x)", "tall", L)
        case(f"r = torch.linalg.qr({p}tall)\n(r.Q.matmul(r.R), r.R.abs(), r.Q.shape)", L)
        case(f"r = torch.linalg.qr({p}tall, mode='complete')\n(r.Q.matmul(r.R), r.R.abs(), r.Q.shape)", L)
        case(f"r = torch.linalg.qr({p}tall, mode='r')\n(r.Q.shape, r.R.abs())", L)
        case(f"g = torch.geqrf({p}tall)\ntorch.linalg.householder_product(g.a, g.tau)", L)
        case(f"g = torch.geqrf({p}tall)\ntorch.linalg.householder_product(g.a, g.tau[:2]).abs()", L)
        # norms and condition numbers
        case(f"torch.linalg.norm({p}sq)", L)
        case(f"torch.linalg.norm({p}sq, ord='fro', dim=(0, 1))", L)
        case(f"torch.linalg.norm({p}sq, 'nuc')", L)
        case(f"torch.linalg.norm({p}vec, 3.5)", L)
        case(f"torch.linalg.norm({p}tall, float('inf'), dim=1, keepdim=True)", L)
        case(f"torch.linalg.norm({p}bsq, ord=2, dim=(1, 2))", L)
        grad(p, "torch.linalg.norm(x)", "tall", L)
        case(f"torch.linalg.vector_norm({p}tall)", L)
        case(f"torch.linalg.vector_norm({p}tall, ord=1, dim=0)", L)
        case(f"torch.linalg.vector_norm({p}tall, 0)", L)
        case(f"torch.linalg.vector_norm({p}tall, float('-inf'), dim=(0, 1), keepdim=True)", L)
        case(f"torch.linalg.vector_norm({p}vec, 2.5, dtype=torch.float64)", L)
        grad(p, "torch.linalg.vector_norm(x, 3)", "vec", L)
        case(f"torch.linalg.matrix_norm({p}sq)", L)
        for o in ["'nuc'", "2", "-2", "1", "-1", "float('inf')"]:
            case(f"torch.linalg.matrix_norm({p}bsq, ord={o})", L)
        case(f"torch.linalg.matrix_norm({p}tall, dim=(1, 0), keepdim=True)", L)
        grad(p, "torch.linalg.matrix_norm(x, 'nuc')", "tall", L)
        case(f"torch.linalg.cond({p}sq)", L)
        case(f"torch.linalg.cond({p}sq, 'fro')", L)
        case(f"torch.linalg.cond({p}bsq, p=1)", L)
        case(f"torch.linalg.cond({p}sq, float('-inf'))", L)
        case(f"torch.linalg.cond({p}tall, -2)", L)
        # products, powers, exponentials
        case(f"torch.linalg.cross({p}va, {p}vb)", L)
        case(f"torch.linalg.cross({p}va.mT, {p}vb.mT, dim=0)", L)
        grad(p, f"torch.linalg.cross(x, {p}vb)", "va", L)
        case(f"torch.linalg.matmul({p}tall, {p}sq)", L)
        case(f"torch.linalg.multi_dot([{p}tall, {p}sq, {p}wide])", L)
        case(f"torch.linalg.multi_dot([{p}vec, {p}tall, {p}rhs])", L)
        case(f"torch.linalg.matrix_power({p}sq, 3)", L)
        case(f"torch.linalg.matrix_power({p}sq, -2)", L)
        case(f"torch.linalg.matrix_power({p}bsq, 0)")
        grad(p, "torch.linalg.matrix_power(x, 2)", "sq", L)
        case(f"torch.linalg.matrix_exp({p}sq)", L)
        case(f"torch.linalg.matrix_exp({p}bsq.mul(0.5))", L)
        grad(p, "torch.linalg.matrix_exp(x)", "sq", L)
        case(f"torch.linalg.vecdot({p}va, {p}vb)", L)
        case(f"torch.linalg.vecdot({p}va, {p}vb, dim=0)", L)
        case(f"torch.linalg.vander({p}vec)")
        case(f"torch.linalg.vander({p}b23, N=5)")
        case(f"torch.linalg.diagonal({p}bsq)")
        case(f"torch.linalg.diagonal({p}bsq, offset=1, dim1=0, dim2=2)")
        case(f"torch.linalg.tensorinv({p}six.reshape(2, 3, 6), ind=2)", L)
        case(f"torch.linalg.tensorinv({p}six.reshape(6, 2, 3), 1)", L)
        case(f"torch.linalg.tensorsolve({p}six.reshape(2, 3, 6), {p}b23)", L)
        case(f"torch.linalg.tensorsolve({p}six.reshape(2, 3, 2, 3), {p}b23, dims=(0, 1))", L)
    # complex inputs
    case("torch.linalg.det(c128sq)", LAPACK["f64"])
    case("torch.linalg.inv(c64sq)", LAPACK["f32"])
    case("r = torch.linalg.svd(c128sq)\n(r.S, r.U.matmul(torch.diag(r.S).to(torch.complex128)).matmul(r.Vh))", LAPACK["f64"])
    case("torch.linalg.norm(c128sq)", LAPACK["f64"])
    # errors, as PyTorch raises them
    case("torch.linalg.inv(torch.zeros(3, 3))", err=torch.linalg.LinAlgError)
    case("torch.linalg.inv(torch.tensor([[1.5, 3], [0.5, 1]]))", err=torch.linalg.LinAlgError)
    case("torch.linalg.solve(torch.zeros(2, 2), torch.ones(2))", err=torch.linalg.LinAlgError)
    case("torch.linalg.inv(f32tall)", err=RuntimeError)
    case("torch.linalg.solve(f32sq, f32rhs4)", err=RuntimeError)
    case("torch.linalg.lu(f32sq, pivot=False)", err=RuntimeError)
    case("torch.linalg.norm(f32bsq, 'fro', dim=0)", err=RuntimeError)
    case("torch.linalg.cross(f32va, f32tall)", err=RuntimeError)
    case("torch.linalg.matrix_power(f32tall, 2)", err=RuntimeError)


def fft():
    ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
    N_D = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2", "ihfft2", "hfftn", "ihfftn"]
    REAL_ONLY = {"rfft", "ihfft", "rfft2", "rfftn", "ihfft2", "ihfftn"}
    for p in DT:
        F = FFT[p]
        c = "c64" if p == "f32" else "c128"
        for f in ONE_D:
            src = p if f in REAL_ONLY else c
            case(f"torch.fft.{f}({src}sig)", F)
            case(f"torch.fft.{f}({p}odd, 5)" if f in REAL_ONLY else f"torch.fft.{f}({p}odd)", F)
            case(f"torch.fft.{f}({src}sig2, n=8, dim=0, norm='ortho')", F)
            case(f"torch.fft.{f}({src}sig2, 3, -1, 'forward')", F)
            case(f"torch.fft.{f}({src}sig, norm='backward')", F)
        for f in N_D:
            src = p if f in REAL_ONLY else c
            case(f"torch.fft.{f}({src}sig2)", F)
            case(f"torch.fft.{f}({p}sig3)", F)
            case(f"torch.fft.{f}({p}sig3, s=(3, 4), dim=(0, 2), norm='ortho')", F)
            case(f"torch.fft.{f}({src}sig2, norm='forward')", F)
        case(f"torch.fft.fftn({p}sig3, dim=(1,))", F)
        case(f"torch.fft.irfftn({c}sig2, s=(4, 10))", F)
        # gradients through real and complex transforms
        grad(p, "torch.fft.rfft(x).abs()", "sig", F)
        grad(p, "torch.fft.fft2(x).abs()", "sig2", F)
        grad(p, "torch.fft.irfft(x, 8)", "sig", F, reduce="pow(2).sum()")
        grad(p, "torch.fft.hfft(x)", "sig", F, reduce="pow(2).sum()")
        grad(p, "torch.fft.ihfftn(x).abs()", "sig2", F)
        # helpers: exact
        case(f"torch.fft.fftshift({p}sig)")
        case(f"torch.fft.fftshift({p}sig2, dim=1)")
        case(f"torch.fft.fftshift({p}sig3, dim=(0, 2))")
        case(f"torch.fft.ifftshift({p}odd)")
        case(f"torch.fft.ifftshift({p}sig2, dim=(-1,))")
    case("torch.fft.fftshift(c64sig2)")
    case("torch.fft.ifftshift(i64n)")
    for args in ["8", "5, d=0.5", "4, dtype=torch.float64", "1", "7, 0.1", "6, d=3.25, dtype=torch.float64"]:
        case(f"torch.fft.fftfreq({args})")
        case(f"torch.fft.rfftfreq({args})")
    case("torch.fft.fftfreq(0)")
    case("x = torch.fft.rfftfreq(6, 0.5, dtype=torch.float64, requires_grad=True)\n(x, x.requires_grad, x.is_leaf)")
    case("torch.fft.fftfreq(3, requires_grad=False).requires_grad")
    case("torch.fft.fft(f32sig, norm='sideways')", err=RuntimeError)
    case("torch.fft.irfft(c64sig, n=0)", err=RuntimeError)
    case("torch.fft.fft2(f32sig)", err=IndexError)


# torch.special: elementwise functions (input name per domain), then the rest by hand.
UNARY = {"airy_ai": "x", "bessel_j0": "x", "bessel_j1": "x", "bessel_y0": "pos", "bessel_y1": "pos", "digamma": "pos", "psi": "pos",
         "entr": "pos", "erf": "x", "erfc": "x", "erfcx": "x", "erfinv": "sgn", "exp2": "x", "expit": "x", "expm1": "x", "gammaln": "pos",
         "i0": "x", "i0e": "x", "i1": "x", "i1e": "x", "log1p": "pos", "log_ndtr": "x", "logit": "unit", "modified_bessel_i0": "x",
         "modified_bessel_i1": "x", "modified_bessel_k0": "pos", "modified_bessel_k1": "pos", "ndtr": "x", "ndtri": "unit", "round": "x",
         "scaled_modified_bessel_k0": "pos", "scaled_modified_bessel_k1": "pos", "sinc": "x", "spherical_bessel_j0": "x"}
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
               "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
               "legendre_polynomial_p"]
# Differentiable ones (those with a derivative formula in PyTorch).
DIFFERENTIABLE = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e",
                  "log1p", "log_ndtr", "logit", "ndtr", "ndtri", "sinc", "psi"]
# torch.special functions that are torch.* functions too (under the same or another name): same kernel, same bits.
ALSO_TORCH = {"digamma": "digamma", "erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "exp2": "exp2", "expit": "sigmoid", "expm1": "expm1",
              "gammaln": "lgamma", "i0": "i0", "log1p": "log1p", "logit": "logit", "psi": "digamma", "round": "round", "sinc": "sinc"}
ALSO_TORCH_CALLS = [("xlogy", "{p}x, {p}pos"), ("logsumexp", "{p}x, 1"), ("polygamma", "2, {p}pos"), ("softmax", "{p}x, 0"),
                    ("log_softmax", "{p}x, 1")]


def special():
    for p in DT:
        for f, dom in UNARY.items():
            case(f"torch.special.{f}({p}{dom})")
        for f in ("erf", "erfcx", "log_ndtr", "i0e", "sinc", "entr"):  # special values
            case(f"torch.special.{f}(torch.tensor([float('nan'), float('inf'), float('-inf'), -0.5, 30.5, 1e-30], dtype={DTYPE[p]}))")
        for f in DIFFERENTIABLE:
            grad(p, f"torch.special.{f}(x)", UNARY[f])
        for f, t in ALSO_TORCH.items():
            case(f"torch.special.{f}({p}{UNARY[f]}).equal(torch.{t}({p}{UNARY[f]}))")
        for f, template in ALSO_TORCH_CALLS:
            args = template.format(p=p)
            case(f"torch.special.{f}({args}).equal(torch.{f}({args}))")
        for f in POLYNOMIALS:
            case(f"torch.special.{f}({p}sgn, i64n)")
            case(f"torch.special.{f}({p}sgn, 3)")
        case(f"torch.special.round({p}x, decimals=2)")
        case(f"torch.special.logit({p}unit, eps=0.1)")
        case(f"torch.special.logit({p}unit, 0.25)")
        case(f"torch.special.log1p({p}x)")
        case(f"torch.special.entr({p}x)")
        case(f"torch.special.gammainc({p}pos, {p}big)")
        case(f"torch.special.gammaincc({p}pos, {p}big)")
        case(f"torch.special.zeta({p}big, {p}pos)")
        case(f"torch.special.zeta({p}big, 2)")
        case(f"torch.special.zeta(2.5, {p}pos)")
        case(f"torch.special.xlogy({p}x, {p}pos)")
        case(f"torch.special.xlogy({p}x, 3)")
        case(f"torch.special.xlogy(2, {p}pos)")
        case(f"torch.special.xlog1py({p}x, {p}pos)")
        case(f"torch.special.xlog1py({p}x, 0.5)")
        case(f"torch.special.xlog1py(2, {p}pos)")
        grad(p, f"torch.special.xlogy(x, {p}pos)", "x")
        grad(p, f"torch.special.xlog1py({p}x, x)", "pos")
        case(f"torch.special.polygamma(1, {p}pos)")
        case(f"torch.special.polygamma(3, {p}pos)")
        grad(p, "torch.special.polygamma(2, x)", "pos")
        case(f"torch.special.multigammaln({p}big, 2)")
        case(f"torch.special.multigammaln({p}big, p=3)")
        grad(p, "torch.special.multigammaln(x, 2)", "big")
        case(f"torch.special.softmax({p}x, 1)")
        case(f"torch.special.softmax({p}x, dim=0, dtype=torch.float64)")
        case(f"torch.special.log_softmax({p}x, 1)")
        case(f"torch.special.log_softmax({p}x, 0, dtype=torch.float64)")
        grad(p, "torch.special.log_softmax(x, 1)", "x", reduce="pow(2).sum()")
        case(f"torch.special.logsumexp({p}x, 1)")
        case(f"torch.special.logsumexp({p}x, (0, 1), keepdim=True)")
        grad(p, "torch.special.logsumexp(x, 0)", "x")
    case("torch.special.softmax(i64a, 0)", err=RuntimeError)
    case("torch.special.erf(i64a)")
    case("torch.special.expit(i64a)")
    case("torch.special.i0(i64a)")
    case("torch.special.round(i64a)", err=NotImplementedError)
    case("torch.special.polygamma(-1, f32pos)", err=RuntimeError)
    case("torch.special.multigammaln(f32big, 0)", err=RuntimeError)


def main():
    make_pool()
    linalg()
    fft()
    special()
    for ns in NAMESPACES:
        module = getattr(torch, ns)
        names = {n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)) and n not in ("Tensor", "LinAlgError")}
        missing = sorted(names - CALLED[ns])
        if missing:
            PROBLEMS.append(f"torch.{ns}: no case calls {', '.join(missing)}")
    if PROBLEMS:
        print("\n".join(PROBLEMS), file=sys.stderr)
        return 1
    used = sorted({n for c in CASES for n in c["uses"]})
    meta = {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY.upper(), "threads": 1,
            "generator": "scripts/make-namespace-fixtures.py", "called": {ns: sorted(CALLED[ns]) for ns in NAMESPACES}}
    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    lines = ["{", f'"meta":{dump(meta)},', '"tensors":{']
    lines += [f"{dump(n)}:{dump(enc_tensor(POOL[n]))}" + ("," if i < len(used) - 1 else "") for i, n in enumerate(used)]
    lines += ["},", '"cases":[']
    lines += [dump(c) + ("," if i < len(CASES) - 1 else "") for i, c in enumerate(CASES)]
    lines += ["]", "}"]
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(CASES)} cases, {os.path.getsize(OUT)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
