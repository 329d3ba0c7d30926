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
  std::optional<MachineModel> calibrated;     ///< Machine constants fitted to these measurements.
};

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
