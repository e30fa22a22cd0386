"""kron_large, numpy dialect: np.kron of two 100x100 -> 10000x10000 (800 MB written).
Row kron_large:out_prealloc writes the same product into an already-touched output
buffer (no allocation, no page faults): the ceiling for a kron kernel in numpy."""
import time
import numpy as np

rng = np.random.default_rng(1)
A = rng.random((100, 100))
B = rng.random((100, 100))
C = np.kron(A, B)                               # warm-up at full size (first touch of
del C                                           # fresh memory is slow on some VMs)
t0 = time.perf_counter()
C = np.kron(A, B)
t = time.perf_counter() - t0
assert C[100, 0] == A[1, 0] * B[0, 0]
out = C.reshape(100, 100, 100, 100)             # touched buffer, same layout
t0 = time.perf_counter()
np.multiply(A[:, None, :, None], B[None, :, None, :], out=out)
t2 = time.perf_counter() - t0
assert C[100, 0] == A[1, 0] * B[0, 0]
print(f"RESULT kron_large:formed {t:.6f}")

