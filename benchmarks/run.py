#!/usr/bin/env python3
"""Benchmark imlpy against numpy (and GNU Octave when `octave` is on PATH), in the same run.

Each workload in benchmarks/workloads/ exists as NAME.iml, NAME.py (numpy) and NAME.m (Octave);
each program times its own work after a warm-up and prints `RESULT <row> <seconds>`. This runner
runs every form --repeat times, takes medians, and prints the figures side by side with the ratios
imlpy/numpy and imlpy/octave (below 1.0: imlpy is faster). Whole-process timings are used for
`empty` (start-up) and for `parse_throughput` (imlpy check on a 5,000-line program).

    python benchmarks/run.py                 # all workloads, 5 runs each
    python benchmarks/run.py scalar_loop -r 3
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "workloads")
RESULT = re.compile(r"RESULT\s+(\S+)\s+([0-9.eE+-]+)")
WHOLE_PROCESS = {"empty", "parse_throughput"}
# IML-only variants timed against another workload's numpy/Octave forms: {variant: (workload, row map)}
REFERENCE = {"kron_large_formed": ("kron_large", {"kron_large": "kron_large:formed"})}


def commands(name: str) -> dict:
    iml = os.path.join(WORK, name + ".iml")
    cmds = {"imlpy": [sys.executable, "-m", "imlpy", "run", iml]}
    if name == "parse_throughput":
        cmds = {"imlpy": [sys.executable, "-m", "imlpy", "check", iml]}
    ref = REFERENCE.get(name, (name, {}))[0]
    if os.path.exists(os.path.join(WORK, ref + ".py")):
        cmds["numpy"] = [sys.executable, os.path.join(WORK, ref + ".py")]
    if shutil.which("octave") and os.path.exists(os.path.join(WORK, ref + ".m")):
        cmds["octave"] = ["octave", "--no-gui", "--norc", "-q", os.path.join(WORK, ref + ".m")]
    return cmds


def run_once(name: str, cmd: list) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=WORK)
    elapsed = time.perf_counter() - t0
    if name in WHOLE_PROCESS:
        return {name: elapsed}
    found = {row: float(sec) for row, sec in RESULT.findall(proc.stdout + proc.stderr)}
    if not found:
        sys.stderr.write(f"  ({cmd[0]} {name}: no RESULT line; exit {proc.returncode})\n"
                         f"{(proc.stdout + proc.stderr)[-600:]}\n")
    return found


def measure(name: str, repeat: int) -> dict:
    """{engine: {row: median seconds}}"""
    out = {}
    for engine, cmd in commands(name).items():
        samples: dict = {}
        rename = REFERENCE.get(name, (name, {}))[1] if engine != "imlpy" else {}
        for _ in range(repeat):
            for row, sec in run_once(name, cmd).items():
                samples.setdefault(rename.get(row, row), []).append(sec)
        out[engine] = {row: statistics.median(v) for row, v in samples.items()}
    return out


def fmt(x):
    if x is None:
        return "-"
    return f"{x * 1000:.2f} ms" if x < 10 else f"{x:.2f} s"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workloads", nargs="*")
    ap.add_argument("-r", "--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    names = args.workloads or sorted({f[:-4] for f in os.listdir(WORK) if f.endswith(".iml")})
    print(f"# {time.strftime('%Y-%m-%d')}  {platform.machine()} {os.cpu_count()} cores  "
          f"Python {platform.python_version()}  octave: {'yes' if shutil.which('octave') else 'not installed'}"
          f"  medians of {args.repeat}")
    print(f"{'workload':32} {'imlpy':>12} {'numpy':>12} {'octave':>12} {'imlpy/numpy':>12} {'imlpy/octave':>13}")
    for name in names:
        res = measure(name, args.repeat)
        rows = sorted(set().union(*[set(v) for v in res.values()])) if res else []
        for row in rows:
            i = res.get("imlpy", {}).get(row)
            n = res.get("numpy", {}).get(row)
            o = res.get("octave", {}).get(row)
            rn = f"{i / n:.2f}" if i and n else "-"
            ro = f"{i / o:.2f}" if i and o else "-"
            print(f"{row:32} {fmt(i):>12} {fmt(n):>12} {fmt(o):>12} {rn:>12} {ro:>13}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
