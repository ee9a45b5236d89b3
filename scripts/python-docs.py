"""Extracts, from torch 2.13's docstrings, what scripts/gen-ops.mjs puts into the JSDoc of each
generated torch.* function and Tensor method: the Python signature of each documented form, its
one-sentence summary, and the sentences that give tensor shapes.
Usage: .venv/bin/python scripts/python-docs.py > scripts/python-docs.json"""
import inspect
import json
import re
import sys

import torch

api = json.load(open(sys.argv[1] if len(sys.argv) > 1 else 'scripts/python-api.json'))

# Python names whose docstring lives elsewhere: torch.linalg_vector_norm is torch.linalg.vector_norm.
SUBMODULES = [('linalg_', torch.linalg), ('special_', torch.special), ('fft_', torch.fft), ('nested_', torch.nested)]


def documented(obj, name):
    """obj's docstring, starting with its Python signature (from inspect where the docstring has none)."""
    doc = getattr(obj, '__doc__', None) if obj is not None else None
    if not isinstance(doc, str) or not doc.strip():
        return None
    doc = inspect.cleandoc(doc)
    if re.match(r'[\w.]+\(', doc):
        return doc
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):  # a C function documented without its signature (Tensor.detach)
        return f'{name}(...)\n\n{doc}'
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values() if p.name != 'self']
    return f'{name}{sig.replace(parameters=params, return_annotation=inspect.Signature.empty)}\n\n{doc}'


def function_doc(name):
    candidates = [getattr(torch, name, None)]
    for prefix, module in SUBMODULES:
        if name.startswith(prefix):
            candidates.append(getattr(module, name[len(prefix):], None))
    candidates.append(getattr(torch.nn.functional, name, None))
    return next((d for d in (documented(c, name) for c in candidates) if d), None)


def method_doc(name):
    return documented(getattr(torch.Tensor, name, None), name)


def plain(text):
    """reStructuredText roles and math to plain text with Markdown code spans."""
    def math(m):
        s = m.group(1)
        for tex, char in [(r'\times', '×'), (r'\dots', '…'), (r'\ldots', '…'), (r'\cdots', '…'), (r'\leq', '≤'), (r'\geq', '≥'),
                          (r'\infty', '∞'), (r'\sigma', 'σ'), (r'\mathbin{@}', '@'), (r'\mathbb{R}', 'ℝ'), (r'\mathbb{C}', 'ℂ'),
                          (r'\rightarrow', '→'), (r'\_', '_'), (r'\,', ' '), (r'\ ', ' ')]:
            s = s.replace(tex, char)
        s = re.sub(r'\\[A-Za-z]+\{([^{}]*)\}', r'\1', s)
        s = re.sub(r'\\frac\{([^{}]*)\}\{([^{}]*)\}', r'\1/\2', s)
        s = re.sub(r'\\(?=[A-Za-z])', '', s)
        return '`' + re.sub(r'\s+', ' ', s).strip() + '`'
    text = re.sub(r':math:`([^`]*)`', math, text)
    text = re.sub(r':\w+:`~?[\w.]*?([\w]+)\(?\)?\s*<[^`]*>`', r'`\1`', text)  # :func:`name() <target>`
    text = re.sub(r':(?:ref|doc):`([^`<]*?)\s*<[^`]*>`', r'\1', text)
    text = re.sub(r':(?:ref|doc):`([^`]*)`', r'\1', text)
    text = re.sub(r':\w+:`~([\w.]*\.)?(\w+)`', r'`\2`', text)
    text = re.sub(r':\w+:`([^`]*)`', r'`\1`', text)
    text = text.replace('``', '`').replace('\\ ', '').replace('`\\', '`')
    return re.sub(r'\s+', ' ', text).strip()


def paragraphs(lines):
    """Top-level paragraphs (not directives, not section bodies), each joined to one line."""
    out, cur, skip = [], [], False
    for line in lines:
        if not line.strip():
            if cur:
                out.append(' '.join(cur))
            cur, skip = [], False
            continue
        if skip or line.startswith((' ', '\t')) and not cur:
            continue
        if line.startswith('..') or re.match(r'^[A-Z][\w ]*:\s*$', line) or line.startswith(('>>>', '=====')):
            if cur:
                out.append(' '.join(cur))
            cur, skip = [], True
            continue
        cur.append(line.strip())
    if cur:
        out.append(' '.join(cur))
    return out


def first_sentence(par):
    m = re.search(r'(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.(?=\s+[A-Z(`:]|$)', par)
    return par[: m.end()] if m else par


SHAPE = re.compile(r'\b(?:of|with) shape\b|\bshape :math:|\bof size :math:')


def args_entries(lines):
    """Entries of Args/Arguments/Keyword args sections as (name, text)."""
    entries, in_args, cur = [], False, None
    for line in lines:
        if re.match(r'^(Args|Arguments|Keyword args|Keyword arguments|Parameters):\s*$', line):
            in_args = True
            continue
        if in_args:
            if line.strip() and not line.startswith(' '):
                in_args = False
                continue
            m = re.match(r'^ {4}(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$', line)
            if m:
                cur = [m.group(1), m.group(3)]
                entries.append(cur)
            elif cur and line.strip() and line.startswith('      '):
                cur[1] += ' ' + line.strip()
            elif not line.strip():
                cur = None
    return entries


def forms(doc):
    """The documented call forms: [{signature, summary, shapes}] (one per `.. function::` / `.. method::`)."""
    lines = doc.expandtabs().split('\n')
    starts = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not starts and s and re.match(r'^[\w.]+\(.*\)', s):
            starts.append((i, s))
        elif re.match(r'^\.\. (function|method)::', s):
            starts.append((i, s.split('::', 1)[1].strip()))
    out = []
    for k, (i, sig) in enumerate(starts):
        body = lines[i + 1: starts[k + 1][0] if k + 1 < len(starts) else len(lines)]
        body = [l for l in body if l.strip() != ':noindex:']
        pars = [p for p in paragraphs(body) if p and not p.startswith('**')]
        summary = plain(first_sentence(pars[0])) if pars else ''
        shapes = []
        for par in pars:
            for sentence in re.split(r'(?<=\.)\s+(?=[A-Z:])', par):
                if ':math:`(' in sentence and re.search(r'tensor|shape|size', sentence, re.I) and 'tensor' in sentence:
                    shapes.append(plain(sentence))
        for name, text in args_entries(body):
            if SHAPE.search(text):
                shapes.append(f'`{name}`: {plain(first_sentence(text))}')
        form = {'signature': re.sub(r'\s+', ' ', sig)}
        if summary:
            form['summary'] = summary
        if shapes:
            form['shapes'] = list(dict.fromkeys(shapes))[:4]
        out.append(form)
    return out


SEE = re.compile(r'^See `(?:torch\.)?([\w.]+)`\.?$')


functions = {}
for name in sorted(set(api['torchFunctions']) | set(api['variableFunctions'])):
    doc = function_doc(name)
    fs = forms(doc) if doc else []
    if fs:
        functions[name] = {'forms': fs}

# torch.abs_ and the like: Python documents only Tensor.abs_; their forms are those of torch.abs.
for name in sorted(set(api['torchFunctions']) | set(api['variableFunctions'])):
    base = name[:-1]
    if name not in functions and name.endswith('_') and base in functions:
        functions[name] = {'forms': [{'signature': re.sub(r',\s*\*,\s*out\b[^,)]*|,\s*out\b[^,)]*', '', f['signature']).replace(base, name, 1),
                                      'summary': f'In-place version of `torch.{base}`.'} for f in functions[base]['forms']]}

methods = {}
for name in api['tensorMethods']:
    doc = method_doc(name)
    if not doc:
        # Undocumented methods of documented functions (Tensor.prelu): the function's forms.
        if name in functions:
            methods[name] = {'see': f'torch.{name}'}
        continue
    fs = forms(doc)
    see = next((SEE.match(f.get('summary', '')) for f in fs if SEE.match(f.get('summary', ''))), None)
    target = see.group(1).replace('torch.', '') if see else None
    if fs and all(not f.get('summary') or SEE.match(f['summary']) for f in fs) and target and target in functions:
        methods[name] = {'signature': fs[0]['signature'], 'see': f'torch.{target}'}
    elif fs:
        methods[name] = {'forms': fs}

# torch.linalg.svd and the like: documented as `linalg.svd(A, ...)`, keyed here by the name in the namespace.
namespaces = {}
for ns, names in api['namespaces'].items():
    module = getattr(torch, ns)
    entries = {}
    for name in names:
        doc = documented(getattr(module, name), name)
        fs = forms(doc) if doc else []
        if fs:
            entries[name] = {'forms': fs}
    namespaces[ns] = entries

print(json.dumps({'torch': torch.__version__, 'functions': functions, 'methods': methods, 'namespaces': namespaces}, indent=0, ensure_ascii=False, sort_keys=True))
