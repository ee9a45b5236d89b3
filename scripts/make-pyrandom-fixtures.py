"""Python's random module on fixed seeds -> test/fixtures/pyrandom.json: run with .venv/bin/python.

Each case seeds random (an int, a negative int, a big int, a str, bytes), then records what a fixed
sequence of calls returns: random(), getrandbits, randrange/randint, choice, shuffle, choices with and
without weights, sample (small and large populations), uniform, gauss, and the state after them.
"""
import json
import os
import random
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "pyrandom.json")


def big(v):
    return v if abs(v) <= 2**53 - 1 else {"__int__": str(v)}


def run(seed):
    random.seed(seed)
    out = {}
    out["random"] = [random.random() for _ in range(5)]
    out["getrandbits"] = [big(random.getrandbits(k)) for k in (0, 1, 7, 31, 32, 33, 53, 64, 100)]
    out["randrange"] = [random.randrange(10), random.randrange(3, 17), random.randrange(0, 100, 7), random.randrange(50, 0, -3),
                        random.randrange(2**40), random.randint(-5, 5), random.randint(1, 1)]
    out["choice"] = [random.choice("abcdefg") for _ in range(5)]
    xs = list(range(12))
    random.shuffle(xs)
    out["shuffle"] = xs
    out["choices"] = random.choices(range(10), k=6)
    out["choices_weights"] = random.choices(["a", "b", "c", "d"], weights=[0.1, 0.5, 0.0, 2.5], k=8)
    out["choices_cum"] = random.choices(["a", "b", "c"], cum_weights=[1, 1, 4], k=5)
    out["sample_small"] = random.sample(range(20), 7)
    out["sample_large"] = random.sample(range(1000), 10)
    out["uniform"] = [random.uniform(-2.5, 7.0) for _ in range(3)]
    out["gauss"] = [random.gauss(1.0, 2.0) for _ in range(5)]
    state = random.getstate()
    out["state"] = [state[0], list(state[1]), state[2]]
    out["after"] = random.random()
    return out


def main():
    seeds = {"int": 42, "zero": 0, "negative": -7, "big": 2**80 + 3, "str": "hello", "bytes": "bytes:c2VlZA=="}
    cases = {}
    for name, s in seeds.items():
        seed = bytes("seed", "ascii") if name == "bytes" else s
        cases[name] = {"seed": big(s) if not isinstance(s, str) else s, **run(seed)}
    random.seed(None)
    with open(OUT, "w") as f:
        json.dump({"python": sys.version.split()[0], "cases": cases}, f)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
