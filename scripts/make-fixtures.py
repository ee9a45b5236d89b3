#!/usr/bin/env python3
"""Generate the golden fixtures for test/golden.test.ts from real PyTorch (torch 2.13).

Run with the project venv's python (scripts/setup.sh makes it):   .venv/bin/python scripts/make-fixtures.py
(or `npm run fixtures`).
It rewrites test/fixtures/*.json; the output is deterministic (run it twice, nothing changes).

Each case is a short Python snippet (statements, the last one an expression). This script runs it
with torch and translates it, mechanically, to the torchnode spelling (camelCase names, keyword
arguments as one trailing options object, tuples as arrays, `a is b` as `a === b`,
`with torch.no_grad():` as `torch.noGrad(() => { ... })`, `x[0, :, 1:3]` as `x.index(0, ':', '1:3')`).
The test replays the JS and compares with the recorded result. Input tensors come from a seeded
pool and are stored exactly in each fixture file, so the test never needs Python.

JS cannot tell 1.0 from 1, so a float literal with an integral value is refused here: write the
case so that Python and JS read every literal the same way (2.5, or an int where an int is meant).
"""
import ast
import json
import math
import os
import re
import sys

# Pin the kernels: the vectorised CPU kernels (sums, Sleef transcendentals, randn's fill) give
# different bits on AVX2 and AVX512 paths. The test pins the same capability and thread count.
CPU_CAPABILITY = "avx2"
os.environ["ATEN_CPU_CAPABILITY"] = CPU_CAPABILITY

import torch  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore")  # e.g. reading .grad of a non-leaf, which a case does on purpose

TORCH_SERIES = "2.13"
assert torch.__version__.startswith(TORCH_SERIES), f"make-fixtures.py wants torch {TORCH_SERIES}, found {torch.__version__}"
torch.set_num_threads(1)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")

# BLAS (OpenBLAS/reference, chosen at run time by CPU model) computes float matmul/mm/bmm/mv/dot,
# so the summation order and FMA use may differ on another machine: allow a few ulps there.
BLAS_TOL = {"float32": {"rtol": 1e-6, "atol": 1e-6}, "float64": {"rtol": 1e-13, "atol": 1e-13}}

# ---------------------------------------------------------------------------------------------
# Python -> torchnode (JS) translation


def camel(name):
    if isinstance(getattr(torch, name, None), torch.dtype):
        return name  # dtype constants keep PyTorch's spelling (torch.float8_e4m3fn)
    return re.sub(r"(?<=[a-z0-9])_([a-z0-9])", lambda m: m.group(1).upper(), name)


def is_aten_path(node):
    """True for the expression torch.ops.aten (names under it keep their ATen spelling)."""
    return (isinstance(node, ast.Attribute) and node.attr == "aten" and isinstance(node.value, ast.Attribute)
            and node.value.attr == "ops" and isinstance(node.value.value, ast.Name) and node.value.value.id == "torch")


def slice_part(n):
    if n is None:
        return ""
    if isinstance(n, ast.Constant) and type(n.value) is int:
        return str(n.value)
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and isinstance(n.operand, ast.Constant):
        return "-" + str(n.operand.value)
    raise ValueError("slice bounds must be int literals: " + ast.unparse(n))


def index_item(n):
    if isinstance(n, ast.Slice):
        s = slice_part(n.lower) + ":" + slice_part(n.upper)
        if n.step is not None:
            s += ":" + slice_part(n.step)
        return "'" + s + "'"
    if isinstance(n, ast.Constant) and n.value is Ellipsis:
        return "'...'"
    return js(n)


def js(n):
    if isinstance(n, ast.Constant):
        v = n.value
        if v is None:
            return "null"
        if v is True or v is False:
            return "true" if v else "false"
        if type(v) is int:
            if abs(v) > 2**53 and float(v) != v:
                return f"{v}n"  # a BigInt: JS numbers cannot hold it
            return str(v)
        if type(v) is float:
            if v.is_integer() and abs(v) < 2**53:  # (beyond 2^53 the literal is only used where a float is read anyway)
                raise ValueError(f"float literal {v!r} reads as an int in JS; use a fraction or an int")
            return repr(v)
        if type(v) is str:
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        raise ValueError(f"unsupported constant {v!r}")
    if isinstance(n, ast.Name):
        return n.id
    if isinstance(n, ast.Attribute):
        return js(n.value) + "." + (n.attr if is_aten_path(n.value) else camel(n.attr))
    if isinstance(n, (ast.List, ast.Tuple)):
        return "[" + ", ".join(js(e) for e in n.elts) + "]"
    if isinstance(n, ast.UnaryOp):
        if isinstance(n.op, ast.USub):
            return "-" + js(n.operand)
        if isinstance(n.op, ast.Not):
            return "!" + js(n.operand)
    if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.Is, ast.IsNot)):
        return js(n.left) + (" === " if isinstance(n.ops[0], ast.Is) else " !== ") + js(n.comparators[0])
    if isinstance(n, ast.Subscript):
        s = n.slice
        if isinstance(s, ast.Constant) and type(s.value) is int:  # a tuple element, e.g. x.max(1)[0]
            return f"{js(n.value)}[{s.value}]"
        return js(n.value) + ".index(" + ", ".join(index_items(s)) + ")"
    if isinstance(n, ast.Call):
        f = n.func
        if isinstance(f, ast.Name) and f.id == "float":
            return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[n.args[0].value]
        if isinstance(f, ast.Name) and f.id == "str":
            return "String(" + js(n.args[0]) + ")"
        args = [js(a) for a in n.args]
        if n.keywords:
            args.append("{ " + ", ".join(f"{camel(k.arg)}: {js(k.value)}" for k in n.keywords) + " }")
        new = "new " if js(f) == "torch.Generator" else ""  # a JS class needs `new`
        return new + js(f) + "(" + ", ".join(args) + ")"
    raise ValueError("cannot translate " + ast.unparse(n))


def index_items(s):
    """A subscript's items in JS. A one-item tuple holding a list, x[[...],], gets a trailing '...' (the same
    index in Python): alone, a JS array item is read as Python reads a lone list, x[[...]]."""
    items = s.elts if isinstance(s, ast.Tuple) else [s]
    out = [index_item(i) for i in items]
    return out + ["'...'"] if isinstance(s, ast.Tuple) and len(items) == 1 and isinstance(items[0], ast.List) else out


def js_block(stmts, declared):
    out = []
    for s in stmts:
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Subscript):
            t = s.targets[0]  # x[i, j] = v  ->  x.indexPut_([i, j], v)
            out.append(f"{js(t.value)}.indexPut_([{', '.join(index_items(t.slice))}], {js(s.value)});")
        elif isinstance(s, ast.Assign):
            assert len(s.targets) == 1 and isinstance(s.targets[0], ast.Name), ast.unparse(s)
            declared.append(s.targets[0].id)
            out.append(f"{s.targets[0].id} = {js(s.value)};")
        elif isinstance(s, ast.Expr):
            out.append(js(s.value) + ";")
        elif isinstance(s, ast.With):
            ctx = s.items[0].context_expr
            fn = {"no_grad": "noGrad", "enable_grad": "enableGrad"}[ctx.func.attr]
            out.append(f"torch.{fn}(() => {{ " + " ".join(js_block(s.body, declared)) + " });")
        else:
            raise ValueError("cannot translate statement " + ast.unparse(s))
    return out


def to_js(src, params):
    tree = ast.parse(src)
    *body, last = tree.body
    assert isinstance(last, ast.Expr), "the last statement must be an expression"
    declared = []
    lines = js_block(body, declared) + ["return " + js(last.value) + ";"]
    lets = sorted(set(declared) - set(params), key=declared.index)
    return (f"let {', '.join(lets)}; " if lets else "") + " ".join(lines)


def run_py(src, env):
    tree = ast.parse(src)
    *body, last = tree.body
    exec(compile(ast.Module(body=body, type_ignores=[]), "<case>", "exec"), env)
    return eval(compile(ast.Expression(body=last.value), "<case>", "eval"), env)


# ---------------------------------------------------------------------------------------------
# Encoding results


def enc_float(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v  # repr is the shortest string that reads back as the same double; float32 is exact in it


def write_json(path, obj):
    """Writes a fixture as every script does: compact JSON and a final newline."""
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def enc_tensor(t):
    t = t.detach()
    flat = t.reshape(-1).tolist()
    dt = str(t.dtype)[len("torch."):]
    if t.dtype.is_floating_point:
        flat = [enc_float(v) for v in flat]
    elif t.dtype != torch.bool:
        flat = [v if abs(v) <= 2**53 else str(v) for v in flat]
    return {"dtype": dt, "shape": list(t.shape), "data": flat}


def enc(v, with_grad=False):
    """The one JSON encoding of a Python result (test/golden-replay.ts reads it). with_grad: tensors
    also record requires_grad; sparse tensors are stored dense."""
    if isinstance(v, torch.Tensor):
        e = enc_tensor(v.to_dense() if v.layout != torch.strided else v)
        if with_grad:
            e["requiresGrad"] = v.requires_grad
        return e
    if isinstance(v, torch.dtype):
        return {"torchDtype": str(v)[len("torch."):]}
    if isinstance(v, torch.layout):
        return {"torchLayout": str(v)[len("torch."):]}
    if v is None:
        return {"none": True}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"num": v}
    if isinstance(v, float):
        return {"num": enc_float(v)}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, tuple) and type(v).__module__ == "torch.return_types":
        return {"named": {k: enc(getattr(v, k), with_grad) for k in type(v).__match_args__}}
    if isinstance(v, (tuple, list)):
        return {"seq": [enc(e, with_grad) for e in v]}
    if isinstance(v, dict):
        return {"dict": {k: enc(e, with_grad) for k, e in v.items()}}
    raise TypeError(f"cannot encode {type(v)}")


# ---------------------------------------------------------------------------------------------
# The input pool: fixed, seeded tensors that cases refer to by name

G = torch.Generator().manual_seed(20240521)
PROBLEMS = []  # case definitions that do not work in Python: reported together, and nothing is written
POOL = {}

PREFIX = {"f32": torch.float32, "f64": torch.float64, "f16": torch.float16, "bf16": torch.bfloat16,
          "i64": torch.int64, "i32": torch.int32, "bo": torch.bool}
SHAPES = {"a": [2, 3], "b": [3], "c": [2, 1], "s": [], "d": [2, 3], "p": [2, 3], "w": [2, 3],
          "m": [3, 4], "n": [4, 2], "v": [4], "bm": [2, 3, 4], "bn": [2, 4, 2], "bb": [5, 1, 3, 4], "x": [2, 3, 4]}


def make_pool():
    f64 = torch.float64
    for pre, dt in PREFIX.items():
        for suf, shape in SHAPES.items():
            if dt.is_floating_point:
                if suf == "p":  # positive, for log/sqrt/pow
                    t = torch.rand(shape, generator=G, dtype=f64) * 4 + 0.125
                elif suf == "d":  # bounded away from zero, for division
                    t = (torch.rand(shape, generator=G, dtype=f64) * 3 + 0.25) * torch.randint(0, 2, shape, generator=G).mul(2).sub(1)
                else:
                    t = torch.randn(shape, generator=G, dtype=f64) * 2
            elif dt == torch.bool:
                t = torch.rand(shape, generator=G) > 0.5
            elif suf in ("d", "p"):  # nonzero / positive ints
                t = torch.randint(1, 6, shape, generator=G)
                if suf == "d":
                    t = t * torch.randint(0, 2, shape, generator=G).mul(2).sub(1)
            else:
                t = torch.randint(-6, 7, shape, generator=G)
            POOL[pre + suf] = t.to(dt)
    specials = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1.0, -1.5, 1e-40, 3e38, -7.25, 0.5, 88.75]
    for pre in ("f32", "f64", "bf16"):
        POOL[pre + "z"] = torch.tensor(specials, dtype=f64).to(PREFIX[pre])
    POOL["u8a"] = torch.tensor([0, 1, 7, 200, 255, 3], dtype=torch.uint8).reshape(2, 3)
    POOL["i8a"] = torch.tensor([-128, -1, 0, 5, 127, -7], dtype=torch.int8).reshape(2, 3)
    POOL["ixa"] = torch.tensor([2, 0, 2, 1])  # an index vector for dim 1 of [2, 3]
    POOL["tgt"] = torch.tensor([2, 0])  # class targets for [2, 3] logits


def pool_copy(name):
    return POOL[name].clone()


# ---------------------------------------------------------------------------------------------
# Families of cases


class Family:
    def __init__(self, name, generator="scripts/make-fixtures.py", errors=(RuntimeError, IndexError, ValueError, OverflowError)):
        self.name = name
        self.cases = []
        self.generator = generator  # the script that writes this family's fixture
        self.errors = errors  # the Python exception classes a case may expect

    def case(self, src, tol=None, err=False):
        """err: True if Python raises (the JS error must contain Python's message), or a part of
        Python's message to look for where torchnode words the rest its own way ("": any error)."""
        src = src.strip("\n")
        names = {n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)}
        uses = sorted(n for n in names if n in POOL)
        env = {"torch": torch, **{n: pool_copy(n) for n in uses}}
        torch.manual_seed(0)  # the test does the same; only cases that seed themselves depend on it
        try:
            result = run_py(src, env)
        except Exception as e:
            if err is False or not isinstance(e, self.errors):
                PROBLEMS.append(f"{self.name}: {src!r} raised {type(e).__name__}: {str(e).splitlines()[0]}")
                return
            message = str(e).split("\n")[0]
            if isinstance(err, str) and err not in message:
                PROBLEMS.append(f"{self.name}: {src!r} raised {message!r}, which lacks {err!r}")
                return
            expected = {"error": err if isinstance(err, str) else message}
        else:
            if err is not False:
                PROBLEMS.append(f"{self.name}: {src!r} was expected to raise")
                return
            expected = enc(result)
        try:
            code = to_js(src, uses)
        except (ValueError, AssertionError, KeyError) as e:
            PROBLEMS.append(f"{self.name}: {src!r} does not translate: {e}")
            return
        c = {"py": src, "js": code, "uses": uses, "expected": expected}
        if isinstance(tol, str):  # a dtype name: BLAS tolerance for that dtype
            tol = BLAS_TOL.get(tol)
        if tol:
            c["tol"] = tol
        if any(c["js"] == o["js"] for o in self.cases):
            PROBLEMS.append(f"{self.name}: duplicate case {src!r}")
            return
        self.cases.append(c)

    def write(self):
        used = sorted({n for c in self.cases for n in c["uses"]})
        meta = {"torch": torch.__version__, "cpuCapability": CPU_CAPABILITY.upper(), "threads": 1,
                "generator": self.generator}
        dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        lines = ["{", f'"meta":{dump(meta)},', '"tensors":{']
        lines += [f'{dump(n)}:{dump(enc_tensor(POOL[n]))}' + ("," if i < len(used) - 1 else "") for i, n in enumerate(used)]
        lines += ["},", '"cases":[']
        lines += [dump(c) + ("," if i < len(self.cases) - 1 else "") for i, c in enumerate(self.cases)]
        lines += ["]", "}"]
        path = os.path.join(OUT_DIR, self.name + ".json")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{path}: {len(self.cases)} cases, {os.path.getsize(path)} bytes")
        return len(self.cases)


FLOATS = ["f32", "f64"]
INTS = ["i64", "i32"]
NUMERIC = FLOATS + INTS


def creation():
    f = Family("creation")
    # torch.tensor: dtype inference from Python values (JS: whole numbers are ints)
    for src in ["[1, 2, 3]", "[1.5, 2, 3]", "[True, False, True]", "[[1, 2], [3, 4], [5, 6]]", "[[1.5], [-2]]",
                "3", "2.5", "True", "[]", "[[True, 1]]", "[True, 2.5]", "[[[-7]]]", "[0.1, 1e-08, 3.3e+38, 1e+39, -1e-46]",
                "[9007199254740991, -4503599627370497]"]:
        f.case(f"torch.tensor({src})")
    for src in ["[[1, 2]], dtype=torch.float64", "[0.1, 0.2], dtype=torch.float64", "[1.5, -2.5, 2.999], dtype=torch.int32",
                "[0, 2, -1], dtype=torch.bool", "[0.1, 70000.5, 1e-08], dtype=torch.float16", "[1.00390625, 3.3], dtype=torch.bfloat16",
                "[[1, 2], [3, 4]], dtype=torch.uint8", "[1.5, 2], requires_grad=True"]:
        f.case(f"torch.tensor({src})")
    # uint64 takes whole numbers up to 2 ** 64 - 1 (int64 inference stops at 2 ** 63 - 1)
    f.case("str(torch.tensor([9223372036854775813, 3], dtype=torch.uint64))")
    for src, part in [("[18446744073709551617], dtype=torch.uint64", "int too big to convert"),
                      ("[-9223372036854775809], dtype=torch.uint64", "can't convert negative int to unsigned"),
                      ("[9223372036854775809]", "Overflow when unpacking long")]:
        f.case(f"torch.tensor({src})", err=part)
    f.case("x = torch.tensor([[1, 2], [3, 4]])\n(x.dtype, x.shape, x.dim(), x.numel(), x.size(1), x.size(-2))")
    f.case("x = torch.tensor([1.5])\n(x.dtype, x.is_floating_point(), x.item())")
    f.case("torch.tensor([True]).item()")
    f.case("torch.tensor(7).item()")
    f.case("torch.tensor([[1.5, 2], [3, 4.25]]).tolist()")
    f.case("torch.tensor([[True], [False]]).tolist()")
    # factories
    for src in ["torch.zeros(2, 3)", "torch.zeros([2, 3], dtype=torch.int32)", "torch.zeros(0, 3)", "torch.zeros([])",
                "torch.ones(4, dtype=torch.bool)", "torch.ones((2, 2), dtype=torch.float64)", "torch.ones(3, dtype=torch.bfloat16)",
                "torch.full([2, 2], 7)", "torch.full([2], 2.5)", "torch.full([3], True)", "torch.full([2], -1, dtype=torch.float16)",
                "torch.full((1, 2), 0.1, dtype=torch.float64)",
                "torch.arange(5)", "torch.arange(2, 11, 3)", "torch.arange(-3, 3)", "torch.arange(10, 0, -3)",
                "torch.arange(0, 1, 0.1)", "torch.arange(1.5, 4)", "torch.arange(0, -3, -0.5)", "torch.arange(0.5, 2.75, 0.25)",
                "torch.arange(5, dtype=torch.float64)", "torch.arange(0, 1, 0.3, dtype=torch.float64)", "torch.arange(4, dtype=torch.int32)",
                "torch.linspace(0, 1, 5)", "torch.linspace(-1, 1, 7, dtype=torch.float64)", "torch.linspace(0, 10, 4, dtype=torch.int64)",
                "torch.linspace(2, 2, 1)", "torch.linspace(-3.5, 7.25, 11)", "torch.linspace(0, 1, 0)", "torch.logspace(0, 2, 3)",
                "torch.eye(3)", "torch.eye(2, 4)", "torch.eye(3, dtype=torch.int64)", "torch.eye(2, dtype=torch.bool)",
                "torch.zeros_like(i32a)", "torch.ones_like(f64a)", "torch.full_like(i64a, 7)", "torch.full_like(f32a, 2.5)",
                "torch.ones_like(f32a, dtype=torch.int64)", "torch.zeros_like(boa)", "torch.full_like(i32a, 2.75)",
                "(torch.empty(2, 3).shape, torch.empty(2, 3).dtype)", "(torch.empty_like(i32a).shape, torch.empty_like(i32a).dtype)",
                "torch.zeros(2, requires_grad=True).requires_grad"]:
        f.case(src)
    f.case("torch.zeros(2, 3).dtype is torch.float32")
    # A Python int beyond int64 must not wrap silently. 10**19 (between 2**63 and 2**64) is an exact whole JS
    # number too; from 2**64 on a JS number is taken as a float (README), as 1e20 is in Python.
    f.case("torch.tensor([10000000000000000000])", err="")
    f.case("torch.tensor([1.5, 100000000000000000000])")
    # seeded random numbers: bit-exact (same generator, same kernels)
    seeded = ["torch.rand(5)", "torch.rand(3, 4)", "torch.rand(20)", "torch.rand(7, dtype=torch.float64)",
              "torch.rand(5, dtype=torch.bfloat16)", "torch.rand(5, dtype=torch.float16)",
              "torch.randn(5)", "torch.randn(4, 5)", "torch.randn(33)", "torch.randn(6, dtype=torch.float64)",
              "torch.randn(16, dtype=torch.float64)", "torch.randn(2, 9, dtype=torch.float64)",
              "torch.randint(0, 10, (5,))", "torch.randint(10, (3, 3))", "torch.randint(-5, 5, (8,), dtype=torch.int32)",
              "torch.randint(0, 1099511627776, (4,))", "torch.randint(3, 4, (2, 2))",
              "torch.randperm(10)", "torch.randperm(40)", "torch.randperm(5, dtype=torch.int32)",
              "torch.normal(0.5, 2.5, (4,))", "torch.rand_like(f64a)", "torch.randn_like(f32a)", "torch.randint_like(i32a, 10)",
              "torch.randint_like(f32a, -3, 3)",
              "torch.zeros(6).normal_(1.5, 0.5)", "torch.zeros(5).uniform_(-2.5, 1.5)", "torch.zeros(20).bernoulli_(0.25)",
              "torch.zeros(5, dtype=torch.float64).exponential_()", "torch.zeros(6).random_(0, 10)",
              "torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 6, replacement=True)",
              # dropout masks
              "torch.dropout(torch.ones(20), 0.5, True)", "torch.dropout(torch.ones(3, 8), 0.25, True)",
              "torch.feature_dropout(torch.ones(2, 3, 4), 0.5, True)", "torch.alpha_dropout(torch.ones(10), 0.2, True)",
              "torch.dropout(torch.ones(5), 0.5, False)"]
    for i, src in enumerate(seeded):
        f.case(f"torch.manual_seed({[0, 42, 7, 123456789][i % 4]})\n{src}")
    f.case("torch.manual_seed(3)\na = torch.rand(3)\nb = torch.randn(3)\n(a, b, torch.randint(0, 5, (3,)), torch.randperm(4))")
    f.case("torch.manual_seed(11)\na = torch.rand(4)\ntorch.manual_seed(11)\na.equal(torch.rand(4))")
    f.case("torch.manual_seed(9007199254740991)\ntorch.rand(3)")
    # torch.Generator: independent streams, bit-exact with PyTorch's
    with_gen = ["torch.rand(3, generator=g)", "torch.randn(2, 3, generator=g)", "torch.randint(0, 10, (6,), generator=g)",
                "torch.randperm(7, generator=g)", "torch.zeros(5).normal_(0.25, 1.5, generator=g)",
                "torch.zeros(4).uniform_(-1.5, 0.5, generator=g)", "torch.bernoulli(torch.full((6,), 0.5), generator=g)",
                "torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, True, generator=g)",
                "torch.zeros(4, dtype=torch.float64).exponential_(generator=g)", "torch.normal(0.5, 2.5, (3,), generator=g)"]
    for i, src in enumerate(with_gen):
        f.case(f"g = torch.Generator().manual_seed({[1, 42, 2024][i % 3]})\n({src}, {src})")
    f.case("g = torch.Generator().manual_seed(5)\ns = g.get_state()\na = torch.rand(3, generator=g)\ng.set_state(s)\na.equal(torch.rand(3, generator=g))")
    f.case("torch.manual_seed(8)\ns = torch.get_rng_state()\na = torch.randn(4)\ntorch.set_rng_state(s)\n(a, torch.randn(4))")
    f.case("torch.manual_seed(8)\ng = torch.Generator().manual_seed(8)\ntorch.rand(4).equal(torch.rand(4, generator=g))")
    return f


UNARY_FLOAT = ["exp", "sigmoid", "tanh", "sin", "cos", "floor", "ceil", "round", "trunc", "sign", "square", "erf", "expm1",
               "reciprocal", "frac"]
UNARY_POS = ["log", "sqrt", "rsqrt", "log1p", "log2"]


def arithmetic():
    f = Family("arithmetic")
    for d in NUMERIC:
        for src in [f"{d}a.add({d}b)", f"{d}a.add({d}c, alpha=2)", f"{d}a.sub({d}b, alpha=3)", f"{d}a.mul({d}c)",
                    f"{d}a.div({d}d)", f"{d}a.div({d}d, rounding_mode='trunc')", f"{d}a.div({d}d, rounding_mode='floor')",
                    f"{d}a.add(3)", f"{d}a.mul(-2)", f"{d}a.sub(2, alpha=2)", f"{d}a.remainder({d}d)", f"{d}a.remainder(3)",
                    f"{d}a.remainder(-4)", f"{d}a.floor_divide({d}d)", f"{d}a.floor_divide(2)", f"{d}a.neg()", f"{d}a.abs()",
                    f"{d}a.pow(2)", f"{d}a.pow(3)", f"{d}p.pow({d}c.abs())", f"{d}a.clamp(-1, 2)", f"{d}a.clamp(min=0)",
                    f"{d}a.clamp(max=1)", f"{d}a.relu()", f"torch.add({d}a, {d}s)", f"torch.mul({d}s, {d}s)",
                    f"({d}a.add_({d}b, alpha=2) is {d}a, {d}a)", f"({d}a.mul_(3) is {d}a, {d}a)", f"{d}a.sub_({d}c)",
                    f"{d}a.div_({d}d, rounding_mode='floor')", f"{d}a.clamp_(-1, 1)", f"{d}a.neg_()", f"{d}a.abs_()",
                    f"{d}a.remainder_(3)"]:
            f.case(src)
    for d in FLOATS + ["bf16"]:
        for op in UNARY_FLOAT:
            f.case(f"{d}a.{op}()")
        for op in UNARY_POS:
            f.case(f"{d}p.{op}()")
        for src in [f"{d}p.pow(0.5)", f"{d}p.pow({d}b)", f"{d}a.mul(0.5)", f"{d}a.div(3)", f"{d}a.add({d}b, alpha=0.5)",
                    f"{d}a.clamp(-0.5, 0.75)", f"{d}a.remainder(-1.5)", f"{d}a.floor_divide(0.75)", f"{d}a.exp_()",
                    f"{d}a.sigmoid_()", f"{d}a.div_(2.5)", f"{d}a.mul_({d}s)", f"{d}a.addcmul({d}b, {d}c, value=0.5)",
                    f"{d}a.lerp({d}b, 0.25)", f"{d}a.tanh_()"]:
            f.case(src)
    for d in ["f32", "f64", "bf16"]:  # non-finite, signed zero, subnormal and huge inputs
        for op in ["exp", "log", "sqrt", "sigmoid", "tanh", "relu", "abs", "neg", "floor", "sign", "reciprocal"]:
            f.case(f"{d}z.{op}()")
        for src in [f"{d}z.clamp(-1, 1)", f"{d}z.div(0)", f"{d}z.mul(0)", f"{d}z.remainder(2.5)", f"{d}z.pow(0)",
                    f"{d}z.pow(0.5)", f"{d}z.add(1e-45)"]:
            f.case(src)
    for src in ["f16a.add(f16b)", "f16a.mul(f16c)", "f16a.div(f16d)", "f16a.neg()", "f16a.abs()", "f16a.sub(0.1)",
                "f16a.mul(1000)", "u8a.add(1)", "u8a.sub(2)", "i8a.mul(3)", "i8a.neg()", "u8a.div(u8a.add(1))"]:
        f.case(src)
    # Python's type promotion: categories, 0-dim tensors, Python scalars
    for src in ["i64a.add(1)", "i64a.mul(0.5)", "i32a.add(i64a)", "i32a.add(2)", "i32a.mul(1.5)", "boa.add(boa)", "boa.add(1)",
                "boa.mul(2.5)", "boa.add(True)", "i64a.add(True)", "f32a.add(f64a)", "f32a.add(f64s)", "i32a.add(i64s)",
                "i64a.add(f32s)", "i32a.add(f64s)", "f64s.add(i64a)", "i64s.add(2.5)", "i64s.add(f32a)", "f32s.mul(i64a)",
                "f16a.add(f32s)", "f16a.add(1.5)", "f16a.add(f32a)", "bf16a.mul(f16a)", "bf16a.add(2.5)", "u8a.add(i8a)",
                "u8a.add(boa)", "i8a.add(i32s)", "i64a.div(i32d)", "i32a.true_divide(2)", "i32a.div(i64d, rounding_mode='floor')",
                "f32a.mul(i64a)", "i32a.add(boa)", "boa.div(boa.logical_not())", "i64a.pow(0.5)", "i32a.pow(i64c.abs())",
                "i64s.mul(i32s)", "f64s.mul(f32s)", "i32a.remainder(2.5)", "i64a.floor_divide(0.5)", "i32a.clamp(0.5)", "i64a.div(i32d, rounding_mode='trunc')",
                "torch.result_type(i32a, 1.5)", "torch.result_type(i64a, f16s)", "torch.result_type(boa, 2)",
                "torch.result_type(f16a, f64s)", "torch.promote_types(torch.int32, torch.float16)",
                "torch.promote_types(torch.uint8, torch.int8)", "i32a.add_(i64a)", "f32a.add_(f64b)"]:
        f.case(src)
    for src in ["i64a.add_(0.5)", "i32a.mul_(f32a)", "boa.sub(boa)", "boa.neg()", "i64a.pow(-1)",
                "i64a.div(0, rounding_mode='trunc')", "i64a.add(i64x)",
                "i32a.mul_(f32s.ceil())", "i32a.sub(boa)"]:
        f.case(src, err=True)
    return f


def comparison():
    f = Family("comparison")
    for d in NUMERIC + ["bo"]:
        for src in [f"{d}a.eq({d}b)", f"{d}a.ne({d}c)", f"{d}a.lt({d}b)", f"{d}a.le({d}c)", f"{d}a.gt({d}s)", f"{d}a.ge({d}b)",
                    f"torch.maximum({d}a, {d}b)", f"torch.minimum({d}a, {d}c)", f"torch.where({d}a.ne({d}b), {d}a, {d}c)",
                    f"{d}a.logical_and({d}b)", f"{d}a.logical_or({d}c)", f"{d}a.logical_xor({d}b)", f"{d}a.logical_not()"]:
            f.case(src)
    for d in NUMERIC:
        for src in [f"{d}a.eq(2)", f"{d}a.lt(0)", f"{d}a.ge(-1)", f"{d}a.gt(0.5)", f"{d}a.le({d}a.flip(1))"]:
            f.case(src)
    for src in ["f32a.lt(i64a)", "i32a.eq(i64b)", "f64a.gt(f32b)", "boa.eq(i64a)", "f32a.eq(f32a.clone())",
                "f32z.eq(f32z)", "f32z.ne(f32z)", "f32z.lt(1)", "f32z.ge(f64z)", "torch.maximum(f32z, f32z.flip(0))",
                "torch.minimum(f32z, f32z.flip(0))", "torch.maximum(i32a, f64s)", "f32z.isnan()", "f32z.isinf()",
                "f32z.isfinite()", "f32z.isneginf()", "f32a.signbit()",
                "torch.where(f32a.gt(0), f32a, f32b)", "torch.where(boa, i64a, f32b)", "torch.where(boc, f32a, 0)",
                "torch.where(f32a.lt(0), 0, f32a)", "torch.where(boa, i32a, i64s)", "torch.where(i64a.gt(0))",
                "torch.where(boc, f64b, f32c)",
                "torch.isclose(f32a, f32a.add(1e-06))", "torch.isclose(f32a, f32a.add(0.001))",
                "torch.isclose(f32z, f32z)", "torch.isclose(f32z, f32z, equal_nan=True)",
                "torch.isclose(f64a, f64a.mul(1.001), rtol=0.01, atol=0.0001)", "torch.isclose(i64a, i64b)",
                "f32a.allclose(f32a.add(1e-07))", "f32a.allclose(f32a.add(0.01))", "f32a.equal(f32a.clone())",
                "f32a.equal(f32a.t())", "f32a.eq(f32a).all().item()", "torch.eq(f64a, 0.5)", "torch.ne(i64a, 2)",
                "f32z.logical_not()", "boa.bitwise_xor(boc)", "i64a.bitwise_and(i64b)", "i32a.bitwise_not()"]:
        f.case(src)
    return f


def linalg_reductions():
    f = Family("reductions")
    for d in FLOATS + ["i64"]:
        tol = {"f32": "float32", "f64": "float64"}.get(d)  # BLAS only for floats; int matmul is exact
        for src in [f"{d}m.mm({d}n)", f"{d}m.matmul({d}n)", f"{d}m.mv({d}v)", f"{d}v.dot({d}v)", f"{d}v.matmul({d}v)",
                    f"{d}v.matmul({d}n)", f"{d}m.matmul({d}v)", f"{d}bm.matmul({d}v)", f"{d}v.matmul({d}bm.transpose(1, 2))",
                    f"torch.bmm({d}bm, {d}bn)", f"{d}bm.matmul({d}n)", f"{d}bb.matmul({d}bn)", f"{d}bm.matmul({d}bm.transpose(-1, -2))",
                    f"{d}m.t().mm({d}m)", f"torch.matmul({d}bn.transpose(1, 2), {d}bm.transpose(1, 2))",
                    f"torch.addmm({d}c, {d}a, {d}m, beta=2, alpha=3)"]:
            f.case(src, tol=tol)
    f.case("f32m.mm(f64n)", err=True)
    f.case("f32m.mm(f32m)", err=True)
    # Operators and dtypes new in 2.x, reached through the dispatcher.
    f.case("torch.ops.aten.scaled_dot_product_attention(f32bm, f32bm.mul(0.5), f32bm)", tol="float32")
    f.case("torch.ops.aten.scaled_dot_product_attention(f64bm, f64bm, f64bm, is_causal=True)", tol="float64")
    f.case("torch.ops.aten.linalg_vector_norm(f64x, 3, [0, 2])")
    f.case("torch.ops.aten.linalg_vector_norm(f32x, 2, keepdim=True)")
    f.case("f32a.to(torch.float8_e4m3fn).float()")
    f.case("f32a.to(torch.float8_e5m2).to(torch.float32)")
    f.case("i64a.to(torch.uint16).mul(3)")
    for d in FLOATS + ["bf16"]:
        for src in [f"{d}x.sum()", f"{d}x.sum(1)", f"{d}x.sum(-1, keepdim=True)", f"{d}x.sum((0, 2))", f"{d}x.sum(dim=[2, 0], keepdim=True)",
                    f"{d}x.sum(dtype=torch.float64)", f"{d}x.mean()", f"{d}x.mean(1, keepdim=True)", f"{d}x.mean((0, 1))",
                    f"{d}x.prod()", f"{d}x.prod(2)", f"{d}x.max()", f"{d}x.max(1)", f"{d}x.min(-1, keepdim=True)",
                    f"{d}x.max(dim=0)", f"{d}x.argmax()", f"{d}x.argmax(1)", f"{d}x.argmin(2, keepdim=True)", f"{d}x.amax((0, 2))",
                    f"{d}x.std()", f"{d}x.std(1)", f"{d}x.std(1, unbiased=False)", f"{d}x.var()", f"{d}x.var(0, keepdim=True)",
                    f"{d}x.var(2, unbiased=False)", f"torch.std_mean({d}x, 1)", f"{d}x.norm()", f"{d}x.norm(1)", f"{d}x.norm(dim=1)",
                    f"{d}x.norm(p=3, dim=(0, 2))", f"{d}x.cumsum(1)", f"{d}x.cumprod(2)", f"{d}x.logsumexp(2)",
                    f"{d}x.softmax(1)", f"{d}x.log_softmax(-1)", f"{d}x.softmax(0, dtype=torch.float64)", f"{d}x.all()",
                    f"{d}x.any(1)", f"{d}x.sort(2)", f"{d}x.sort(1, descending=True)", f"{d}x.topk(2)", f"{d}x.median()",
                    f"{d}x.median(1)", f"{d}x.kthvalue(2, 2)", f"{d}z.sum()", f"{d}z.max()", f"{d}z.argmax()", f"{d}z.amin()"]:
            if not (d == "bf16" and ".prod(" in src):
                f.case(src)
    for d in INTS + ["bo"]:
        for src in [f"{d}x.sum()", f"{d}x.sum(1)", f"{d}x.sum((0, 2), keepdim=True)", f"{d}x.prod(2)", f"{d}x.max()",
                    f"{d}x.max(1)", f"{d}x.min(2, keepdim=True)", f"{d}x.argmax(0)", f"{d}x.argmin()", f"{d}x.cumsum(2)",
                    f"{d}x.all()", f"{d}x.any(2)", f"{d}x.all(1, keepdim=True)", f"{d}x.sort(1)", f"{d}x.amax(1)",
                    f"{d}x.sum(dtype=torch.float32)", f"{d}x.count_nonzero(1)"]:
            if not (d == "bo" and ".arg" in src):  # argmax/argmin have no bool kernel
                f.case(src)
    for src in ["i64x.mean()", "i32x.std()", "f32x.max(3)"]:
        f.case(src, err=True)
    for src in ["i64x.float().mean()", "i64x.median()", "i64x.topk(3, 1)", "i32x.cumsum(1, dtype=torch.float64)",
                "f32x.max(f32v)", "torch.logsumexp(f32z, 0)", "f32a.softmax(1).sum(1)",
                # positional flags and keyword-only spellings of the same arguments
                "f32x.sum(1, True)", "f32x.mean(-1, True)", "f32x.max(2, True)", "f32x.std(0, False)", "f32x.var(1, True, True)",
                "i64x.argmax(1, True)", "f32x.softmax(dim=2)", "f32x.cumsum(dim=0)", "torch.sum(f32x, 2)", "torch.max(f32x, 1)",
                "torch.mean(f32x, dim=(0, 2), keepdim=True)", "torch.argmax(f32x, dim=1, keepdim=True)"]:
        f.case(src)
    return f


def views():
    f = Family("views")
    for d in ["f32", "i64", "bo"]:
        x = d + "x"
        for src in [f"{x}.view(6, 4)", f"{x}.view(-1)", f"{x}.view(4, -1, 3)", f"{x}.reshape(4, -1)",
                    f"{x}.transpose(0, 2).reshape(-1)", f"{x}.permute(2, 0, 1)", f"{x}.transpose(0, 1)", f"{x}.transpose(-1, 0)",
                    f"{d}m.t()", f"{d}v.t()", f"{x}.unsqueeze(1).squeeze()", f"{x}.unsqueeze(1).squeeze(1)", f"{x}.squeeze(0)",
                    f"{x}.unsqueeze(-1).shape", f"{x}.flatten()", f"{x}.flatten(1)", f"{x}.flatten(0, 1)", f"{d}c.expand(2, 3)",
                    f"{d}b.expand(4, -1)", f"{d}c.expand(3, 2, 4)", f"{x}.narrow(1, 1, 2)", f"{x}.narrow(2, -2, 2)",
                    f"{x}.select(2, -1)", f"{x}.select(0, 1)", f"{x}.chunk(2, 2)", f"{x}.chunk(2, 1)", f"{x}.split(2, 1)",
                    f"{x}.split([1, 3], 2)", f"{x}.unbind(1)", f"{x}.flip(0)", f"{x}.flip((0, 2))", f"{x}.repeat(2, 1, 1)",
                    f"{d}b.repeat(2, 2)", f"torch.cat([{d}a, {d}a], 0)", f"torch.cat([{d}a, {d}c], 1)", f"torch.cat([{d}x, {d}x], -1)",
                    f"torch.stack([{d}a, {d}a.flip(0)])", f"torch.stack([{d}a, {d}a], 2)", f"{x}.roll(1, 2)",
                    f"{x}[0, :, 1:3]", f"{x}[..., ::2]", f"{x}[None, 1]", f"{x}[:, -1]", f"{x}[1:, 1, -3:]", f"{x}[..., None]",
                    f"{x}[{x}.ne(0)]", f"{x}[[1, 0, 1]]", f"{x}[:, ixa.narrow(0, 0, 3)]", f"{d}a.index_select(1, ixa)",
                    f"{d}a.gather(1, ixa.narrow(0, 0, 2).view(2, 1))"]:
            f.case(src)
    for src in ["f32m.T", "f32bm.mT", "f32x.permute(2, 0, 1).is_contiguous()", "f32x.permute(2, 0, 1).contiguous().is_contiguous()",
                "(f32x.stride(), f32x.transpose(0, 2).stride(), f32x.transpose(0, 2).contiguous().stride())",
                "f32x.permute(2, 0, 1).contiguous()", "f32c.expand(2, 3).stride()", "f32x.select(1, 1).stride()",
                "f32x.narrow(2, 1, 2).is_contiguous()", "f32b.unsqueeze(0).stride()",
                "torch.cat([f32a, f64a])", "torch.cat([i64a, f32a])", "torch.cat([i32a, boa], 1)", "torch.stack([i32a, i64a])",
                "torch.cat([f32a, torch.zeros(0)])", "torch.cat([f32x.chunk(2, 2)[1], f32x.chunk(2, 2)[0]], 2)",
                "torch.cat([f32a.t(), f32a.t()], 1)",
                # views share storage with their base
                "y = f32x.view(-1)\ny.mul_(2)\nf32x", "y = f32x.select(1, 0)\ny.zero_()\nf32x",
                "y = f32x.transpose(0, 1)\ny.add_(1)\nf32x", "y = f32x[:, 1:, ::2]\ny.fill_(7)\nf32x",
                "y = f32x.reshape(-1)\ny.neg_()\nf32x", "y = f32x.transpose(0, 2).reshape(-1)\ny.neg_()\nf32x",
                "y = f32x.clone()\ny.zero_()\nf32x", "f32x.index_put_([f32x.lt(0)], torch.tensor(0.5))",
                # setitem: x[...] = v is x.indexPut_([...], v)
                "x = f32x.clone()\nx[0, :, 1:3] = 7.5\nx", "x = f32x.clone()\nx[..., ::2] = f32x[..., 1::2]\nx",
                "x = f32x.clone()\nx[x.lt(0)] = 0.25\nx", "x = f32x.clone()\nx[[1, 0], 1] = torch.tensor(2.5)\nx",
                "x = f32x.clone()\nx[:, ixa.narrow(0, 0, 2)] = -1.5\nx", "x = i64x.clone()\nx[1] = 3\nx",
                "x = f32x.clone()\nx[None, 0, -1] = f32x[1, 0]\nx", "x = f32x.clone()\nx[1, [0, 2], -2:] = -0.5\nx",
                "y = f32x.flatten()\ny.add_(1)\n(y, f32x)", "f32x.flatten() is f32x", "f32b.flatten() is f32b",
                "f32x.contiguous() is f32x", "f32x.reshape(2, 3, 4) is f32x",
                # conversions
                "f32a.mul(2.5).to(torch.int32)", "f32a.mul(2.5).to(torch.int64)", "f32z.to(torch.bool)", "f32a.to(torch.float16)",
                "f32a.to(torch.bfloat16)", "f64a.to(torch.float32)", "f32a.to(torch.float64)", "i64a.to(torch.float32)",
                "boa.to(torch.float32)", "i32a.to(torch.bool)", "f32a.double()", "f32a.half()", "f32a.long()", "f32a.int()",
                "f32a.bool()", "i64a.float()", "f64a.to(torch.float64) is f64a", "f64a.to(torch.float32) is f64a",
                "f64a.to(dtype=torch.float32)", "f32a.to(f64b)", "f32a.to('cpu', torch.float64)",
                "torch.tensor([0.1, 0.3333333333333333, 65504, 65519.99, 65520, 1e-08, 6e-08, 1e-05, -2.5e-07], dtype=torch.float64).to(torch.float16)",
                "torch.tensor([1.00390625, 1.01171875, 1.0000001, 3.4e+38, 1e-40, -0.1], dtype=torch.float64).to(torch.bfloat16)",
                "torch.tensor([0.1, 1e-46, 1e+300, -1e+300, 16777217.5], dtype=torch.float64).to(torch.float32)",
                "torch.tensor([16777217, 9007199254740991]).to(torch.float32)", "torch.tensor([16777217, -9007199254740991]).to(torch.float64)",
                "torch.tensor([2147483653, -2147483649]).to(torch.int32)", "torch.tensor([0.5, 1.99, 200.7, 255.9]).to(torch.uint8)",
                "torch.tensor([-0.5, -1.99, 2.5, 10000000000.5]).to(torch.int64)", "f32z.to(torch.float16)", "f64z.to(torch.float32)",
                "bf16a.to(torch.float16)", "f16a.to(torch.bfloat16)", "i8a.to(torch.uint8)", "u8a.to(torch.int8)"]:
        f.case(src)
    for src in ["f32x.transpose(0, 1).view(-1)", "f32x.view(5, -1)", "f32x.t()", "f32a.expand(3, 2)",
                "torch.cat([f32a, f32b])", "torch.stack([f32a, f32b])"]:
        f.case(src, err=True)
    # applySlicing's 0-d index tensors (an integer one is a select view, a bool one a new dim) and setitem's
    # slicePrefix1sSize (a value's leading dims of size 1 are dropped)
    for src in ["f32x[torch.tensor(0), :, [0, 1]]", "y = f32x[torch.tensor(1)]\ny.fill_(7.5)\nf32x", "f32x[torch.tensor(True)]",
                "f32x[torch.tensor(False)]", "f32x[torch.tensor(1), [0, 1], torch.tensor(True)]",
                "x = f32x.clone()\nx[torch.tensor(1), :, [0, 1]] = f32x[0, :, :2]\nx", "x = f32x.clone()\nx[0] = torch.ones(1, 1, 3, 4)\nx",
                "x = f32x.clone()\nx[[0, 1], 1] = torch.full((1, 1, 2, 4), 2.5)\nx", "x = f32x.clone()\nx[1, 2] = torch.tensor([[-3.5]])\nx",
                "f32x[[True, 1]]",
                # sequenceToVariable: a nested list is one index tensor (bool if all bools, else int64, floats truncated)
                "f32x[[[0, 1], [1, 0]], 0]", "f32x[[[1, 0]], [[2], [0]]]", "f32x[[0.5, 1.9]]", "f32x[[[-1.5]], 1:]",
                "f32x[[[True, False, True], [False, True, True]],]", "x = f32x.clone()\nx[[[0, 1]], 2] = 2.5\nx"]:
        f.case(src)
    for src, err in [("f32x[[[0, 1], [1]], 0]", "expected sequence of length 2 at dim 1 (got 1)"),
                     ("f32x[[[True, False, True]], 0]", True), ("f32x[[[5]], 0]", True)]:
        f.case(src, err=err)
    for src in ["f32x[2, :]", "f32x[0, 5]", "f32x[None, 0, -5]", "f32x[..., 9]", "f32x[torch.tensor(1), 7]",
                "torch.tensor(5.5)[-0]", "torch.tensor(5.5)[-1]", "f32x[::0]", "f32x[::-1]"]:
        f.case(src, err=True)
    return f


GRAD_OPS = ["x.sin()", "x.exp()", "x.tanh()", "x.sigmoid()", "x.relu()", "x.abs()", "x.pow(3)", "x.mul(x)", "x.div({d}d)",
            "x.abs().add(0.25).sqrt()", "x.abs().add(0.25).log()", "x.softmax(1)", "x.log_softmax(0)", "x.sum(1)",
            "x.mean()", "x.max(1)[0]", "x.norm()", "x.std(1)", "x.var(0, unbiased=False)", "x.cumsum(1)",
            "x.logsumexp(1)", "x.clamp(-0.5, 0.5)", "torch.where(x.gt(0), x, x.mul(2))", "x.expand(4, 2, 3)",
            "x.view(3, 2)", "x.permute(1, 0)", "x.t()", "x.unsqueeze(0).repeat(2, 1, 1)", "x.flip(1)",
            "torch.cat([x, x.mul(2)], 0)", "torch.stack([x, x.exp()], 2)", "x[:, 1:]", "x.index_select(1, ixa)",
            "x.add({d}b, alpha=2)", "x.sub({d}c)", "x.pow(2.5).nan_to_num()", "x.reciprocal()", "x.atan2({d}c)",
            "x.maximum({d}b)", "x.to(torch.float64)", "x.prod(1)", "x.cumprod(1)", "x.sort(1)[0]", "x.amax(0)",
            "x.narrow(1, 1, 2)", "x.flatten()", "x.square().sum().sqrt()", "x.lerp({d}b, 0.25)",
            "x.addcmul({d}b, {d}c, value=0.5)", "x.floor()", "x.remainder(1.5)",
            # the rest of the differentiable ops the value cases cover
            "x.cos()", "x.erf()", "x.expm1()", "x.neg()", "x.sign()", "x.frac()", "x.square()", "x.mul(2.5)", "x.sub(0.5, alpha=2)",
            "x.abs().add(0.25).rsqrt()", "x.abs().add(0.25).log1p()", "x.abs().add(0.25).log2()", "x.fmod(0.75)",
            "x.minimum({d}b)", "x.amin(1)", "x.min(0)[0]", "x.mean(1, True)", "x.sum(0, True)", "x.topk(2, 1)[0]",
            "x.gather(1, ixa.narrow(0, 0, 2).unsqueeze(0).expand(2, 2))", "x.unsqueeze(2).squeeze(2)", "x.transpose(0, 1)",
            "x.reshape(-1)", "torch.cat(x.split(1, 1), 0)", "torch.cat(x.chunk(2, 0), 1)", "torch.stack(x.unbind(1))",
            "x.roll(1, 1)", "x.tril()", "x.triu(1)", "x.contiguous()", "x.clone()", "x.select(1, 2)",
            "x.logsumexp(0)", "x.std()", "x.prod()", "x.argmax().to(torch.float32).add(x.sum())"]

GRAD_FN_OPS = ["x.add(1)", "x.mul(x)", "x.sum()", "x.sum(1)", "x.mean()", "x.view(-1)", "x.t()", "x.exp()", "x.matmul(f32m)",
               "x.max(1)[0]", "x.max()", "x.clone()", "x.to(torch.float64)", "x.div(2.5)", "x.sub(1)", "x.neg()", "x.pow(2)",
               "x.relu()", "x.sigmoid()", "x.softmax(1)", "x.log_softmax(1)", "x.unsqueeze(0)", "x.expand(2, 2, 3)",
               "x.permute(1, 0)", "x[0, ...]", "x[:, 1]", "torch.cat([x, x])", "torch.stack([x, x])", "torch.where(x.gt(0), x, 0)",
               "x.index_select(1, ixa)", "x.transpose(0, 1)", "x.reshape(3, 2)", "x.squeeze()", "x.abs()", "x.clamp(0, 1)",
               "x.norm()", "x.cumsum(0)"]


def autograd():
    f = Family("autograd")
    # d(sum(y * weights))/dx, the weights 1, 2, 3, ... along the last dim so that a wrong permutation shows
    for d in FLOATS:
        for op in GRAD_OPS:
            f.case(f"x = {d}a.requires_grad_()\ny = {op.format(d=d)}\ny.mul(torch.ones_like(y).cumsum(-1)).sum().backward()\nx.grad")
    for d, dt in [("f32", "float32"), ("f64", "float64")]:
        f.case(f"x = {d}a.requires_grad_()\nw = {d}m.requires_grad_()\nx.matmul(w).mul({d}a.sum()).sum().backward()\n(x.grad, w.grad)", tol=dt)
        f.case(f"x = {d}bm.requires_grad_()\nw = {d}bn.requires_grad_()\ntorch.bmm(x, w).pow(2).sum().backward()\n(x.grad, w.grad)", tol=dt)
        for src in ["y = {d}b.requires_grad_()\nx.mul(y).add(y.div(x)).sum().backward()\n(x.grad, y.grad)",
                    "c = {d}c.requires_grad_()\nx.add(c, alpha=2).exp().sum().backward()\n(x.grad, c.grad)",
                    "torch.ops.aten.cross_entropy_loss(x, tgt).backward()\nx.grad",
                    "y = x.mul(2)\ny.backward({d}w)\nx.grad",
                    "y = x.exp().sum()\ny.backward(retain_graph=True)\ny.backward()\nx.grad",
                    "x.sin().sum().backward()\nx.cos().sum().backward()\nx.grad",
                    "y = x.mul(3)\ny.retain_grad()\ny.pow(2).sum().backward()\n(y.grad, x.grad)",
                    "y = x.mul(1)\ny.mul_(x)\ny.sum().backward()\nx.grad"]:
            f.case(f"x = {d}a.requires_grad_()\n" + src.format(d=d))
    for src in [
        "with torch.no_grad():\n    y = x.mul(2)\n(y.requires_grad, y.grad_fn is None, y.is_leaf, y)",
        "with torch.no_grad():\n    with torch.enable_grad():\n        y = x.mul(2)\n    z = x.mul(2)\n(y.requires_grad, z.requires_grad, y.grad_fn.name())",
        "with torch.no_grad():\n    x.mul_(2)\n(x, x.requires_grad, x.is_leaf, x.grad_fn is None)",
        "(x.detach().requires_grad, x.detach().is_leaf, x.mul(2).detach().grad_fn is None, x.mul(2).detach().is_leaf)",
        "y = x.detach()\ny.zero_()\nx",
        "(f32b.add(x).requires_grad, f32b.requires_grad, x.is_leaf, x.mul(2).is_leaf, x.grad is None)",
        "(x.requires_grad, x.grad_fn is None, x.sum().requires_grad, f32a.requires_grad)",
        "y = x.requires_grad_(False)\n(y is x, x.requires_grad, x.mul(2).requires_grad)",
        "x.argmax().requires_grad",
        "x.gt(0).requires_grad",
        "x.sum().backward()\ny = x.grad\nx.grad.zero_()\n(y, x.grad)",
        "y = x.mul(2)\ny.sum().backward()\n(y.grad is None, x.grad is None, f32b.grad is None)",
    ] + [f"{op}.grad_fn.name()" for op in GRAD_FN_OPS] + ["y = x.mul(1)\ny.add_(1)\ny.grad_fn.name()"]:
        f.case("x = f32a.requires_grad_()\n" + src)
    f.case("x = torch.tensor([1.5, -2], requires_grad=True)\n(x.is_leaf, x.requires_grad, x.grad_fn is None)")
    # torch.autograd.grad: higher-order derivatives, several inputs, grad_outputs, unused inputs
    for d, dt in [("f32", "float32"), ("f64", "float64")]:
        for src in ["g = torch.autograd.grad(x.pow(3).sum(), x, create_graph=True)[0]\n(g, torch.autograd.grad(g.sum(), x)[0])",
                    "y = {d}b.requires_grad_()\ntorch.autograd.grad(x.mul(y).sin().sum(), [x, y])",
                    "y = x.exp()\ntorch.autograd.grad(y, x, grad_outputs={d}w)",
                    "y = {d}b.requires_grad_()\ntorch.autograd.grad(x.sum(), [x, y], allow_unused=True)",
                    "y = x.tanh().sum()\ng = torch.autograd.grad(y, x, retain_graph=True)\n(g, torch.autograd.grad(y, x))",
                    "g = torch.autograd.grad(x.sigmoid().sum(), x, create_graph=True)[0]\ngg = torch.autograd.grad(g.sum(), x, create_graph=True)[0]\ntorch.autograd.grad(gg.sum(), x)"]:
            f.case(f"x = {d}a.requires_grad_()\n" + src.format(d=d), tol=dt)
    f.case("x = f32a.requires_grad_()\ny = f32b.requires_grad_()\ntorch.autograd.grad(x.sum(), [x, y])", err="appears to not have been used in the graph")
    # Python words this one in its own binding layer; libtorch says "floating point and complex dtype"
    f.case("x = i64a.requires_grad_()\nNone", err="Tensors of floating point")
    for src in ["x = f32a.requires_grad_()\nx.add_(1)",
                "x = f32a.requires_grad_()\nx.mul(2).backward()", "x = f32a.requires_grad_()\ny = x.exp().sum()\ny.backward()\ny.backward()",
                "x = f32a.requires_grad_()\ny = x.mul(2)\ny.requires_grad_(False)", "f32a.sum().backward()"]:
        f.case(src, err=True)
    return f


def printing():
    f = Family("printing")
    for src in ["f32a", "f64a", "i64a", "i32a", "boa", "f16a", "bf16a", "f32s", "i64s", "f32x", "f32z", "f64z",
                "torch.tensor([])", "torch.zeros(2, 0)", "torch.arange(2000)", "torch.arange(1500.5, 0.5, -1).view(50, -1)",
                "torch.tensor([1e-05, 100000])", "torch.tensor([0.1, 0.25, 12345.5])", "torch.tensor([1.5, 2], dtype=torch.float64)",
                "f32a.requires_grad_()", "f32a.requires_grad_().mul(2)", "f32a.requires_grad_().sum()", "f32a.t()",
                "u8a", "i8a", "f32x.permute(2, 0, 1)",
                "torch.quantize_per_tensor(f32a, 0.1, 0, torch.qint8)", "torch.quantize_per_tensor(f32a, 0.05, 10, torch.quint8)",
                "torch.quantize_per_channel(f32a, torch.tensor([0.1, 0.2], dtype=torch.float64), torch.tensor([0, 1]), 0, torch.qint8)",
                "torch.quantize_per_tensor(torch.tensor([]), 0.5, 3, torch.quint8)", "f32a.to_mkldnn()", "bf16a.to_mkldnn()",
                "f32a.requires_grad_().to_mkldnn()"]:
        f.case(f"str({src})")
    return f


def main():
    make_pool()
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    families = [fam() for fam in [creation, arithmetic, comparison, linalg_reductions, views, autograd, printing]]
    if PROBLEMS:
        print("\n".join(PROBLEMS), file=sys.stderr)
        return 1
    for fam in families:
        total += fam.write()
    size = sum(os.path.getsize(os.path.join(OUT_DIR, p)) for p in os.listdir(OUT_DIR))
    print(f"{total} cases, {size} bytes in {OUT_DIR}")


if __name__ == "__main__":
    sys.exit(main())
