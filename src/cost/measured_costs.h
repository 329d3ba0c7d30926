#pragma once
/// \file
/// Measured per-node costs: the profile file that `ramiel profile` writes and `--costs` reads,
/// and the calibration of the analytic model's machine constants against it.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cost/machine_model.h"
#include "ir/graph.h"

namespace ramiel::cost {

/// Per-node median times measured on one machine.
struct MeasuredCosts {
  std::string model;                          ///< Model file the profile was taken of.
  std::string machine;                        ///< CPU description the profile was taken on.
  int runs = 0;                               ///< Profiled runs the medians are over.
  std::map<std::string, double> node_ms;      ///< Node name -> median milliseconds.
  /// Node name -> slice count -> median milliseconds of its slowest slice (layout conversions of
  /// the output counted with slice 0), for the nodes whose kernels split (hybrid parallelism).
  std::map<std::string, std::map<int, double>> slice_ms;
  /// Slice count -> slice_ratio() of slice_ms, for the counts whose slices were measured side by
  /// side on that many cores.
  std::map<int, double> slice_ratio;
  /// How often the slices have been measured for this profile: one that looked measured on a
  /// busy machine is measured again on later loads, keeping the lowest ratio per count.
  int slice_measurements = 0;
  std::optional<MachineModel> calibrated;     ///< Machine constants fitted to these measurements.
};

/// Time-weighted ratio of `count`-way slices to whole nodes: the sum of slice_ms[node][count] over
/// the nodes measured both ways over the sum of their node_ms (0: none). Weighted so that the
/// nodes that dominate the plan count most: a busy neighbour during a few big nodes' slices
/// matters even when most small nodes look fine.
double slice_ratio(const MeasuredCosts& costs, int count);

/// Replaces the `count`-way slice costs of `costs` by `fresh` (node name -> slowest slice) when
/// their slice_ratio is lower than the one kept (or none is kept), and records
/// the ratio kept. A slice measurement on a busy machine only ever looks worse than a quiet one,
/// so the lower of two measurements is the better estimate. Returns whether `fresh` was kept.
bool keep_lower_slice_ratio(MeasuredCosts& costs, int count, const std::map<std::string, double>& fresh);

/// Writes `costs` as JSON. Throws kIo.
void save_measured_costs(const MeasuredCosts& costs, const std::string& path);
/// Reads a file written by save_measured_costs. Throws kIo / kInvalidArgument (malformed).
MeasuredCosts load_measured_costs(const std::string& path);

/// Cost per node id for `graph`: the measurement where the profile has the node's name, else the
/// analytic estimate with `machine` (calibrated constants when the profile has them).
/// `missing` (optional) receives how many nodes fell back to the analytic estimate.
std::vector<double> costs_for_graph(const ir::Graph& graph, const MeasuredCosts& costs, size_t* missing = nullptr);

/// Fits gflops, gbytes_per_s and op_overhead_us so that the roofline predicts `measured_ms` (by node
/// id; negative = not measured) from the analytic FLOPs and bytes, minimising squared log error.
MachineModel calibrate(const ir::Graph& graph, const std::vector<double>& measured_ms, const MachineModel& start = {});

/// How well `predicted` matches `measured` (both by node id; measured < 0 is skipped).
struct PredictionQuality {
  size_t nodes = 0;            ///< Nodes compared.
  double total_measured_ms = 0;   ///< Sum of measurements.
  double total_predicted_ms = 0;  ///< Sum of predictions for the same nodes.
  double median_abs_rel_error = 0;  ///< Median of |pred - meas| / meas.
  double weighted_abs_rel_error = 0;  ///< Sum |pred - meas| / sum meas (big nodes count more).
};

/// Compares predictions with measurements.
PredictionQuality compare(const std::vector<double>& predicted, const std::vector<double>& measured);

/// A short description of this machine's CPU (model name and logical core count).
std::string machine_description();

}  // namespace ramiel::cost
