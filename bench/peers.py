#!/usr/bin/env python3
"""Optional Python peers for bench/peers.mjs: the same workloads in PyTorch, JAX, numpy, TensorFlow
and onnxruntime, each timed only when it imports (none is a dependency of dropmask). One thread
each (set before the libraries load), median of several runs, results materialised as float32
arrays: uniform, normal, a Bernoulli float32 mask (0 or 1/q) and inverted dropout on n = 2^22
floats, in elements/s; matmul x [64 x 1024] · Wᵀ [1024 x 1024], in GFLOP/s.

    python3 bench/peers.py            # prints a markdown table; --json for machine-readable rows

`node bench/peers.mjs` (part of `npm run bench`) runs it with --json and puts its rows in the peers
table beside dropmask's, with dropmask's ratio over each (DROPMASK_BENCH_PYTHON names the Python,
e.g. a virtual environment's, where these libraries were installed with pip).
"""
import json
import os
import platform
import statistics
import sys
import time

# One core for the whole process, whatever a library's own thread settings do (XLA's CPU client
# ignored the flags below and ran its matmul on both cores).
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "XLA_FLAGS", "TF_NUM_INTRAOP_THREADS"):
    os.environ.setdefault(var, "1" if var != "XLA_FLAGS" else "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

QUICK = "--quick" in sys.argv  # tiny sizes, for the CI test of bench/peers.mjs
N = 1 << 14 if QUICK else 1 << 22
B, D = (4, 64) if QUICK else (64, 1024)
P = 0.5
REPS = 2 if QUICK else 7


def median_seconds(fn, reps=REPS):
    fn()  # warm-up (compilation, allocation)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def numpy_peer():
    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.standard_normal(N, dtype=np.float32)
    a = rng.standard_normal((B, D), dtype=np.float32)
    w = rng.standard_normal((D, D), dtype=np.float32)
    scale = np.float32(1 / (1 - P))
    return {
        "uniform": lambda: rng.random(N, dtype=np.float32),
        "normal": lambda: rng.standard_normal(N, dtype=np.float32),
        "bernoulli mask": lambda: (rng.random(N, dtype=np.float32) >= P).astype(np.float32) * scale,
        "dropout": lambda: x * ((rng.random(N, dtype=np.float32) >= P) * scale),
        "matmul": lambda: a @ w.T,
    }, f"numpy {np.__version__}"


def torch_peer():
    import torch

    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(N, generator=g)
    a, w = torch.randn(B, D, generator=g), torch.randn(D, D, generator=g)
    probs = torch.full((N,), 1 - P)
    with torch.no_grad():
        return {
            "uniform": lambda: torch.rand(N, generator=g),
            "normal": lambda: torch.randn(N, generator=g),
            "bernoulli mask": lambda: torch.bernoulli(probs, generator=g) / (1 - P),
            "dropout": lambda: torch.nn.functional.dropout(x, P, training=True),
            "matmul": lambda: torch.nn.functional.linear(a, w),
        }, f"PyTorch {torch.__version__}"


def jax_peer():
    import jax
    import jax.numpy as jnp

    key = jax.random.PRNGKey(1)
    x = jax.random.normal(key, (N,), jnp.float32)
    a, w = jax.random.normal(key, (B, D), jnp.float32), jax.random.normal(key, (D, D), jnp.float32)
    uniform = jax.jit(lambda k: jax.random.uniform(k, (N,), jnp.float32))
    normal = jax.jit(lambda k: jax.random.normal(k, (N,), jnp.float32))
    mask = jax.jit(lambda k: jax.random.bernoulli(k, 1 - P, (N,)).astype(jnp.float32) / (1 - P))
    drop = jax.jit(lambda k, v: jnp.where(jax.random.bernoulli(k, 1 - P, (N,)), v / (1 - P), 0))
    mm = jax.jit(lambda u, v: u @ v.T)
    return {
        "uniform": lambda: uniform(key).block_until_ready(),
        "normal": lambda: normal(key).block_until_ready(),
        "bernoulli mask": lambda: mask(key).block_until_ready(),
        "dropout": lambda: drop(key, x).block_until_ready(),
        "matmul": lambda: mm(a, w).block_until_ready(),
    }, f"JAX {jax.__version__}"


def tensorflow_peer():
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    g = tf.random.Generator.from_seed(1)
    x = g.normal((N,))
    a, w = g.normal((B, D)), g.normal((D, D))
    return {
        "uniform": lambda: g.uniform((N,)).numpy(),
        "normal": lambda: g.normal((N,)).numpy(),
        "bernoulli mask": lambda: (tf.cast(g.uniform((N,)) >= P, tf.float32) / (1 - P)).numpy(),
        "dropout": lambda: tf.nn.dropout(x, P).numpy(),
        "matmul": lambda: tf.matmul(a, w, transpose_b=True).numpy(),
    }, f"TensorFlow {tf.__version__}"


def onnxruntime_peer():
    import numpy as np
    import onnxruntime as ort
    from onnx import TensorProto, helper

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")

    def session(node, inputs, inits=()):
        graph = helper.make_graph([node], "g", inputs, [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], list(inits))
        # IR version 8: what every onnxruntime since 1.10 reads (newer onnx packages default higher)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
        return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])

    rng = np.random.default_rng(1)
    x = rng.standard_normal(N, dtype=np.float32)
    a = rng.standard_normal((B, D), dtype=np.float32)
    w = rng.standard_normal((D, D), dtype=np.float32)
    xin = helper.make_tensor_value_info("X", TensorProto.FLOAT, [N])
    uniform = session(helper.make_node("RandomUniform", [], ["Y"], shape=[N]), [])
    normal = session(helper.make_node("RandomNormal", [], ["Y"], shape=[N]), [])
    drop = session(
        helper.make_node("Dropout", ["X", "r", "t"], ["Y"], seed=1),
        [xin],
        [helper.make_tensor("r", TensorProto.FLOAT, [], [P]), helper.make_tensor("t", TensorProto.BOOL, [], [True])],
    )
    gemm = session(
        helper.make_node("Gemm", ["A", "W"], ["Y"], transB=1),
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, [B, D])],
        [helper.make_tensor("W", TensorProto.FLOAT, [D, D], w.ravel())],
    )
    return {
        "uniform": lambda: uniform.run(None, {}),
        "normal": lambda: normal.run(None, {}),
        "dropout": lambda: drop.run(None, {"X": x}),
        "matmul": lambda: gemm.run(None, {"A": a}),
    }, f"onnxruntime {ort.__version__}"


PEERS = [torch_peer, jax_peer, numpy_peer, tensorflow_peer, onnxruntime_peer]
WORKLOADS = ["uniform", "normal", "bernoulli mask", "dropout", "matmul"]


def main():
    rows, skipped = {}, {}
    for peer in PEERS:
        name = peer.__name__.replace("_peer", "")
        try:
            workloads, label = peer()
        except Exception as e:  # not importable here: skip with the reason
            skipped[name] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            continue
        rows[label] = {}
        for wl in WORKLOADS:
            if wl not in workloads:
                continue
            s = median_seconds(workloads[wl])
            rows[label][wl] = 2 * B * D * D / s / 1e9 if wl == "matmul" else N / s
    if "--json" in sys.argv:
        print(json.dumps({"rows": rows, "skipped": skipped}))
        return
    print(f"Python peers — {platform.processor() or platform.machine()}, Python {platform.python_version()}, one thread")
    print(f"n = {N} float32 (elements/s); matmul x [{B}×{D}] · Wᵀ [{D}×{D}] (GFLOP/s)\n")
    print("| implementation | " + " | ".join(WORKLOADS) + " |")
    print("|---|" + "---|" * len(WORKLOADS))
    for label, r in rows.items():
        cells = []
        for wl in WORKLOADS:
            v = r.get(wl)
            cells.append("—" if v is None else f"{v:.1f} GFLOP/s" if wl == "matmul" else f"{v / 1e9:.2f} G/s" if v >= 1e9 else f"{v / 1e6:.0f} M/s")
        print(f"| {label} | " + " | ".join(cells) + " |")
    for name, why in skipped.items():
        print(f"\nskipped {name}: {why}")


if __name__ == "__main__":
    main()
