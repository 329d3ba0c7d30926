#pragma once
/// \file
/// What it costs to hand a value from one worker to another: a fixed synchronisation cost plus,
/// optionally, a per-byte cost for the consumer's core pulling the data in.

#include <cstdint>

#include "cost/machine_model.h"

namespace ramiel::schedule {

/// Cost of one cross-worker dependency; edges within one worker cost nothing.
struct CommModel {
  double sync_ms = 0.001;    ///< Fixed cost of one hand-off (signal, wake-up, cache-line ping-pong).
  double ms_per_byte = 0.0;  ///< Transfer cost per byte (0: data movement is free).

  /// Delay between the producer finishing and a consumer on another worker being able to start.
  double edge_ms(int64_t bytes) const { return sync_ms + ms_per_byte * static_cast<double>(bytes); }

  /// The model implied by `machine`: its sync_us, plus its bandwidth per byte when
  /// `charge_bytes` is set.
  static CommModel from_machine(const cost::MachineModel& machine, bool charge_bytes) {
    CommModel model;
    model.sync_ms = machine.sync_us * 1e-3;
    model.ms_per_byte = charge_bytes ? 1.0 / (machine.gbytes_per_s * 1e6) : 0.0;
    return model;
  }
};

}  // namespace ramiel::schedule
