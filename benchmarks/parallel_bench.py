#!/usr/bin/env python3
"""Time a Monte Carlo simulation serially and with MAPREDUCE on a local Dask cluster.

The simulation is mcMap in benchmarks/parallel_montecarlo.iml: N standard normal draws summarised
as (count, sum, sum of squares, count of |x| > 1.96). Timed:

  serial        mcMap(N) called directly in one session (the whole N in one process)
  cold          the first MAPREDUCE: includes starting the LocalCluster (one worker per core)
  warm          the next MAPREDUCEs on the running cluster (median)

    python benchmarks/parallel_bench.py              # N = 4e7, workers = cores
    python benchmarks/parallel_bench.py --n 1e7 --workers 2 --repeat 3
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def session_with_modules():
    from imlpy import Session
    log = []
    s = Session(out=lambda t: None, log=log.append)
    s.run((HERE / "parallel_montecarlo.iml").read_text().split("/* ---- driver ---- */")[0])
    return s, log


def timed(session, code: str) -> float:
    t0 = time.perf_counter()
    session.run(code)
    if session.diagnostics.errors:
        raise SystemExit("the benchmark program failed")
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=float, default=4e7, help="number of normal draws (default 4e7)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local worker processes")
    ap.add_argument("--repeat", type=int, default=3, help="warm MAPREDUCE runs (median)")
    args = ap.parse_args()
    os.environ["IMLPY_DASK_WORKERS"] = str(args.workers)
    os.environ.pop("IMLPY_DASK_SCHEDULER", None)
    n = f"{args.n:g}"
    from imlpy.parallel import runner as parallel

    s, _ = session_with_modules()
    serial = timed(s, f"call randseed(1); ser = mcMap({n});")
    cold = timed(s, f"call randseed(1); par = mapreduce({n}, 'mcMap', '_SUM', 'nthreads={args.workers}');")
    warm = statistics.median(timed(s, f"par = mapreduce({n}, 'mcMap', '_SUM', 'nthreads={args.workers}');")
                             for _ in range(args.repeat))
    ser, par = s.globals["ser"].ravel(), s.globals["par"].ravel()
    parallel.shutdown()

    print(f"Monte Carlo: {args.n:.3g} normal draws, {args.workers} worker processes ({os.cpu_count()} cores)")
    print(f"  serial (one session)           {serial:8.2f} s   mean {ser[1] / ser[0]:+.5f}")
    print(f"  MAPREDUCE, incl. cluster start {cold:8.2f} s   speed-up {serial / cold:5.2f}x")
    print(f"  MAPREDUCE, cluster running     {warm:8.2f} s   speed-up {serial / warm:5.2f}x   "
          f"mean {par[1] / par[0]:+.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
