"""`imlpy tour`: the example programs in teaching order, and running one of them.

`imlpy tour` lists the examples with a one-line description each; `imlpy tour 3` (or a file
name, `imlpy tour centring`) shows which program it is and runs it as `imlpy run` would. The
examples live in the `examples/` folder next to the package (a source checkout); an installed
copy finds them through IMLPY_EXAMPLES or the current directory's `examples/`.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Optional

# (file name, one-line description), in the order a reader should take them.
TOUR = [
    ("kronecker_eight_ways.iml", "The eight ways to use @: concatenation, replication, block matrices."),
    ("centring.iml", "Centring data: X - mean@h (old way) versus X - mean (broadcasting)."),
    ("hadamard_designs.iml", "Hadamard designs H, H@H, H@H@H: t-test, 2 x 2 ANOVA, seven factors."),
    ("kronecker_algebra.iml", "Mixed product, transpose, inverse, det and eigenvalues of A@B."),
    ("vec_trick.iml", "vec(AXB) = (B`@A)vec(X), row-major form, a Sylvester equation."),
    ("separable_filter.iml", "A separable 2-D filter: (Hrow@Hcol)*vec(X) versus Hcol*X*Hrow`."),
    ("laplacian_poisson.iml", "Laplacians as Kronecker sums; conjugate gradients for 3-D Poisson."),
    ("block_diagonal.iml", "Block-diagonal systems I(k)@B: at once, by blocks, one matrix solve."),
    ("separable_regression.iml", "Separable least squares on a grid: X1@X2 and Theta = P1*Y*P2`."),
    ("kronecker_family.iml", "KRON, KHATRIRAO, TRACYSINGH, COMMUTATION, NEARESTKRON and more."),
]


def examples_dir() -> Optional[str]:
    """The examples folder: $IMLPY_EXAMPLES, the source checkout's, or ./examples."""
    candidates = [os.environ.get("IMLPY_EXAMPLES", ""),
                  os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples"),
                  os.path.join(os.getcwd(), "examples")]
    for path in candidates:
        if path and os.path.isfile(os.path.join(path, TOUR[0][0])):
            return path
    return None


def listing() -> str:
    lines = ["A guided tour of the Kronecker idioms in IML (imlpy tour N runs example N):", ""]
    for k, (name, text) in enumerate(TOUR, start=1):
        lines.append(f"{k:3d}  {name:<25} {text}")
    return "\n".join(lines) + "\n"


def choose(which: str) -> Optional[int]:
    """Index into TOUR from a number (1-based) or a file name with or without .iml."""
    if which.isdigit():
        k = int(which)
        return k - 1 if 1 <= k <= len(TOUR) else None
    stem = os.path.basename(which).lower()
    stem = stem[:-4] if stem.endswith(".iml") else stem
    for k, (name, _) in enumerate(TOUR):
        if name[:-4] == stem:
            return k
    return None


def cmd_tour(which: Optional[str], run_files: Callable[[list], int]) -> int:
    """List the examples, or run the chosen one with `run_files` (the CLI's runner); exit status
    as for `imlpy run`."""
    if not which:
        sys.stdout.write(listing())
        return 0
    k = choose(which)
    if k is None:
        sys.stderr.write(f"ERROR: no example {which!r} in the tour; choose 1 to {len(TOUR)} or a name below.\n")
        sys.stderr.write(listing())
        return 2
    folder = examples_dir()
    if folder is None:
        sys.stderr.write("ERROR: the examples folder was not found; set IMLPY_EXAMPLES to its path.\n")
        return 2
    name, text = TOUR[k]
    path = os.path.join(folder, name)
    sys.stdout.write(f"=== {k + 1}. {name}: {text}\n\n")
    return run_files([path])
