#pragma once
/// \file
/// Machine constants that turn FLOPs and bytes into time (a roofline plus a fixed per-op overhead).

namespace ramiel::cost {

/// Throughput figures for one core. Defaults fit a Zen 4 core running oneDNN; `ramiel profile`
/// calibrates them by measurement.
struct MachineModel {
  double gflops = 60.0;          ///< Sustained compute throughput of one core (GFLOP/s).
  double gbytes_per_s = 20.0;    ///< Sustained memory bandwidth of one core (GB/s).
  double op_overhead_us = 2.0;   ///< Fixed cost of dispatching one operator (microseconds).
  double sync_us = 1.0;          ///< Cost of one cross-thread hand-off (microseconds).

  /// Roofline time in milliseconds: max(compute, memory) + overhead.
  double time_ms(double flops, double bytes) const {
    double compute_ms = flops / (gflops * 1e6);
    double memory_ms = bytes / (gbytes_per_s * 1e6);
    return (compute_ms > memory_ms ? compute_ms : memory_ms) + op_overhead_us * 1e-3;
  }
};

}  // namespace ramiel::cost
