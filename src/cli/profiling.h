#pragma once
/// \file
/// Measuring node costs with the serial executor (`ramiel profile`, and the default costs of
/// `run`/`bench`/`compile --measured`), with a per-model, per-machine cache.

#include <string>

#include "cost/measured_costs.h"
#include "ir/graph.h"

namespace ramiel::cli {

/// Runs `graph` serially `runs` times after `warmup` runs on random inputs and returns each node's
/// median time (the sum of its steps, layout conversions included) plus calibrated machine
/// constants. Shows a progress bar on stderr when `progress`.
cost::MeasuredCosts profile_graph(const ir::Graph& graph, const std::string& model_path, int runs, int warmup, bool progress);

/// Cache file for the profile of `model_path` (keyed by path, size, mtime, machine and `variant`).
std::string profile_cache_path(const std::string& model_path, const std::string& variant);

}  // namespace ramiel::cli
