"""Python's repr of str values, which torchnode's error messages and module reprs quote (lib/nn/modules/_format.ts
pyStrRepr): the quote it picks, the named escapes, and unprintable characters as \\x, \\u and \\U escapes.
Run: .venv/bin/python scripts/make-py-repr-fixtures.py  (writes test/fixtures/py-str-repr.json)"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "py-str-repr.json")

TEXTS = [
    "", "plain", "it's", 'say "hi"', "both ' and \"", "back\\slash", "line\nbreak", "tab\there", "cr\rlf",
    "nul\x00bell\x07esc\x1b", "del\x7f", "c1\x85\x9f", "nbsp\xa0soft\xadhyphen", "zero\u200bwidth", "bom\ufeff",
    "line sep\u2028para\u2029", "ideographic\u3000space", "private\ue000", "unassigned\u0378", "émoji 😀 漢字",
    "astral private \U000f0000", "quote at end'", "'", '"', "\\'", "Cannot copy out of meta tensor; no data!",
]

if __name__ == "__main__":
    cases = [{"text": t, "repr": repr(t)} for t in TEXTS]
    with open(OUT, "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")
