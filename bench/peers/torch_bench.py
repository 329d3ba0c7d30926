#!/usr/bin/python3
"""Time a zoo model in PyTorch, the framework its ONNX file was exported from: the peer baseline
next to ONNX Runtime.

  /usr/bin/python3 bench/peers/torch_bench.py NAME [--threads 1,2] [--repeat R] [--warmup W] [--json]

NAME is a model of models/zoo.py. The model is rebuilt with the zoo's seed, so it has the weights
of models/cache/NAME/model.onnx, and its output is checked against the zoo's reference
(test_data_set_0/output_0.pb; rtol 1e-3, atol 1e-4) before anything is timed. It runs two ways:
eager (the module as written, under torch.no_grad) and TorchScript frozen for inference
(torch.jit.trace, torch.jit.freeze, torch.jit.optimize_for_inference: BatchNorm folded into the
convolutions, as in the ONNX export). For each thread count (torch.set_num_threads) and way, the
median of R runs after W warm-up runs; "best_ms" is the faster way.

Debian's python3-torch computes convolutions with oneDNN and matrix products with the system BLAS:
the reference BLAS unless an optimised one is installed (bench/peers/setup.sh installs
libopenblas0-openmp), which makes it several times slower.
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def median_ms(fn, args, repeat, warmup):
    for _ in range(warmup):
        fn(*args)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def reference(name):
    import onnx
    import onnx.numpy_helper
    path = os.path.join(ROOT, "models", "cache", name, "test_data_set_0", "output_0.pb")
    if not os.path.isfile(path):
        return None
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return onnx.numpy_helper.to_array(t)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name")
    p.add_argument("--threads", default="1", help="comma-separated thread counts")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    try:
        threads = [int(t) for t in a.threads.split(",")]
        if not threads or min(threads) < 1:
            raise ValueError
    except ValueError:
        print("torch_bench.py: --threads takes positive integers separated by commas", file=sys.stderr)
        return 2

    import numpy as np
    import torch
    warnings.filterwarnings("ignore")  # TorchScript's tracer warnings about Python control flow
    sys.path.insert(0, os.path.join(ROOT, "models"))
    import zoo
    if a.name not in zoo.MODELS:
        print("torch_bench.py: unknown model %s (known: %s)" % (a.name, ", ".join(zoo.MODELS)), file=sys.stderr)
        return 2

    seed = zoo.model_seed(a.name)  # as zoo.export_one(): the same weights and inputs
    torch.manual_seed(seed)
    np.random.seed(seed % (2 ** 32))
    model, inputs, _ = zoo.MODELS[a.name](torch.Generator().manual_seed(seed))
    model.eval()
    args = tuple(t for _, t in inputs)

    with torch.no_grad():
        got = model(*args)
        got = (got[0] if isinstance(got, (tuple, list)) else got).numpy()
        want = reference(a.name)
        if want is None:
            print("torch_bench.py: no reference output for %s (run models/zoo.py first)" % a.name, file=sys.stderr)
            return 1
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-3, atol=1e-4):
            print("torch_bench.py: %s: PyTorch's output differs from the zoo's reference (not the same model?)" % a.name,
                  file=sys.stderr)
            return 1
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, args).eval()))
        results = {}
        for t in threads:
            torch.set_num_threads(t)
            eager_ms = median_ms(model, args, a.repeat, a.warmup)
            frozen_ms = median_ms(frozen, args, a.repeat, a.warmup)
            results[str(t)] = {"eager_ms": eager_ms, "frozen_ms": frozen_ms, "best_ms": min(eager_ms, frozen_ms)}

    if a.json:
        print(json.dumps({"model": a.name, "torch": torch.__version__, "repeat": a.repeat, "threads": results}))
    else:
        print("%s: PyTorch %s, median of %d runs" % (a.name, torch.__version__, a.repeat))
        for t, r in results.items():
            print("  %s thread(s): eager %.2f ms, TorchScript frozen %.2f ms" % (t, r["eager_ms"], r["frozen_ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
