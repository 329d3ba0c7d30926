#pragma once
/// \file
/// Measuring node costs with the serial executor (`ramiel profile`, and the default costs of
/// `run`/`bench`/`compile --measured`), with a per-model, per-machine cache.

#include <string>
#include <vector>

#include "cost/measured_costs.h"
#include "ir/graph.h"

namespace ramiel::cli {

/// Part of the profile cache key: bumped whenever what a profile measures changes (the runtime's
/// fusion and pruning passes, which kernels split), so that stale profiles are not reused.
inline constexpr int kProfileVersion = 24;

/// Slice counts profiled by default (hybrid parallelism); larger counts are extrapolated.
inline const std::vector<int> kProfiledSliceCounts = {2, 4};

/// Runs `graph` serially `runs` times after `warmup` runs on random inputs and returns each node's
/// median time (the sum of its steps, layout conversions included) plus calibrated machine
/// constants; then, for each of `slice_counts`, the slowest slice of every node whose kernel splits
/// that many ways (runs / 2 runs each; counts up to the number of cores with the slices running at
/// the same time on that many workers, larger counts serially). Shows progress bars on stderr when
/// `progress`.
cost::MeasuredCosts profile_graph(const ir::Graph& graph, const std::string& model_path, int runs, int warmup, bool progress,
                                  const std::vector<int>& slice_counts = kProfiledSliceCounts);

/// Measures the slice costs of every node whose kernel splits (see profile_graph) into `costs`,
/// whose node_ms must be measured. For counts up to the cores (slices side by side) a measurement
/// replaces the one in `costs` only when its cost::slice_ratio is lower; larger counts run
/// one after the other and are measured only the first time. Counts one more measurement in
/// costs.slice_measurements.
void measure_slice_costs(const ir::Graph& graph, cost::MeasuredCosts& costs, int runs, bool progress,
                         const std::vector<int>& slice_counts = kProfiledSliceCounts);

/// 2-way slices whose cost::slice_ratio is above this look measured
/// on a busy machine (k-way: 2/k of it); quiet runs on a 2-core machine give 0.45-0.62 for the
/// zoo models, busy ones 0.65-1.0.
inline constexpr double kPlausibleSliceRatio = 0.66;
/// Most slice measurements of one cached profile (the first and the ones on later loads).
inline constexpr int kMaxSliceMeasurements = 4;

/// Whether a cached profile's side-by-side slice costs look measured on a busy machine, so that
/// loading it should measure them again (at most kMaxSliceMeasurements times in all).
bool slice_costs_need_remeasuring(const cost::MeasuredCosts& costs);

/// Cache file for the profile of `model_path` (keyed by path, size, mtime, machine and `variant`).
std::string profile_cache_path(const std::string& model_path, const std::string& variant);

}  // namespace ramiel::cli
