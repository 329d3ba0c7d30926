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
inline constexpr int kProfileVersion = 12;

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

/// Cache file for the profile of `model_path` (keyed by path, size, mtime, machine and `variant`).
std::string profile_cache_path(const std::string& model_path, const std::string& variant);

}  // namespace ramiel::cli
