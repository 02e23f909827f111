#!/usr/bin/env python3
"""SciPy's side of benches/overlap_scipy/run.sh: times S = A @ A.T on the partner x
customer incidence that ecograph wrote to OUT/incidence.bin (the same matrix, loaded
before timing), RUNS times, and prints one JSON line.

  python scipy_overlap.py OUT/incidence.bin [RUNS]

A is a scipy.sparse.csr_matrix with int32 ones (data) and int32 indices. Timed: the
product alone (`A @ A.T`, which converts A.T to CSR inside), and separately the product
plus the upper-triangle similarity columns ecograph writes (shared, sizes, jaccard,
overlap_coefficient, cosine), summed as a checksum. Peak memory: tracemalloc's peak of traced allocations
during one extra, untimed call (numpy registers its buffers with tracemalloc), minus what was traced
before; SciPy's C++ scratch arrays (two arrays of n ints) are not traced.
"""
import json
import sys
import time
import tracemalloc

import numpy as np
import scipy
import scipy.sparse as sp


def load(path):
    with open(path, "rb") as f:
        rows, cols, nnz = np.frombuffer(f.read(24), dtype="<u8")
        indptr = np.frombuffer(f.read(8 * (int(rows) + 1)), dtype="<u8").astype(np.int64)
        indices = np.frombuffer(f.read(4 * int(nnz)), dtype="<u4").astype(np.int32)
    data = np.ones(int(nnz), dtype=np.int32)
    return sp.csr_matrix((data, indices, indptr), shape=(int(rows), int(cols)))


def product(A):
    S = A @ A.T
    return S.nnz


def with_columns(A):
    S = sp.triu(A @ A.T, k=1).tocoo()
    size = np.diff(A.indptr).astype(np.int64)
    shared = S.data.astype(np.int64)
    sa, sb = size[S.row], size[S.col]
    jac = shared / (sa + sb - shared)
    ovl = shared / np.minimum(sa, sb)
    cos = shared / np.sqrt((sa * sb).astype(np.float64))
    # The sum of the three similarities over all pairs: ecograph reports the same sum
    # (`similarity_sum`), an end-to-end check that both sides computed the same pairs.
    return float(jac.sum() + ovl.sum() + cos.sum())


def timed(f, A):
    t = time.perf_counter()
    v = f(A)
    return time.perf_counter() - t, v


def peak(f, A):
    """One extra run under tracemalloc (not timed: tracing slows allocation)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    f(A)
    p = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return p


def main(argv):
    A = load(argv[1])
    runs = int(argv[2]) if len(argv) > 2 else 5
    A.indptr = A.indptr.astype(np.int32) if A.indptr[-1] < 2**31 else A.indptr
    out = {"scipy": scipy.__version__, "numpy": np.__version__, "shape": list(A.shape), "nnz": int(A.nnz),
           "input_bytes": int(A.indptr.nbytes + A.indices.nbytes + A.data.nbytes)}
    for name, f in [("product", product), ("with_columns", with_columns)]:
        times = []
        for _ in range(runs):
            s, v = timed(f, A)
            times.append(s)
        out[name + "_s"] = times
        out[name + "_peak_extra_bytes"] = peak(f, A)
        out[name + "_result"] = v
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
