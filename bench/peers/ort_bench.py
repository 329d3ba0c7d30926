#!/usr/bin/env python3
"""Time an ONNX model with ONNX Runtime's Python package (CPU), the peer baseline where
onnxruntime-node is unavailable (the 16-core device machine has the Python package).

  python3 bench/peers/ort_bench.py MODEL.onnx --inputs DIR [--threads N] [--repeat R] [--warmup W] [--json]

Prints the median latency over R runs after W warm-up runs, intra-op threads = N, sequential
execution mode (ORT's default), as ort_bench.js does.
"""
import argparse
import glob
import json
import os
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--inputs", required=True, help="test_data_set folder with input_K.pb")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    import onnx
    import onnx.numpy_helper
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    files = sorted(glob.glob(os.path.join(a.inputs, "input_*.pb")), key=lambda f: int(f.rsplit("_", 1)[1][:-3]))
    feed = {}
    for info, f in zip(session.get_inputs(), files):
        t = onnx.TensorProto()
        with open(f, "rb") as fh:
            t.ParseFromString(fh.read())
        feed[info.name] = onnx.numpy_helper.to_array(t)
    for _ in range(a.warmup):
        session.run(None, feed)
    times = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - t0) * 1e3)
    result = {"model": a.model, "threads": a.threads, "median_ms": statistics.median(times), "version": ort.__version__}
    print(json.dumps(result) if a.json else "%s: median %.3f ms (%d threads, ORT %s)" % (a.model, result["median_ms"], a.threads, ort.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
