#pragma once
/// \file
/// The Gantt chart of a simulated plan as a self-contained SVG: one row per worker, one box per
/// step coloured by operator type (hover for node name, cost and times), clones hatched, slices of
/// split nodes with a dark bottom band and "op i/k" labels, idle time
/// visible as empty row, cross-worker dependencies as arrows from the producer's finish to the
/// consumer's start, and optionally the lower bound as a dashed line.

#include <string>
#include <vector>

#include "schedule/plan.h"
#include "schedule/simulator.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Text and size of the chart.
struct GanttOptions {
  std::string title;                 ///< First line of the header (e.g. the model path).
  std::vector<std::string> notes;    ///< Further header lines (figures such as lower bound, baseline).
  double width_px = 1400;            ///< Width of the time axis in pixels.
  double lower_bound_ms = 0;         ///< If > 0, drawn as a dashed vertical line.
};

/// The SVG document.
std::string gantt_svg(const TaskGraph& graph, const Plan& plan, const Simulation& simulation, const GanttOptions& options);

/// Writes gantt_svg() to `path`. Throws kIo if it cannot be written.
void write_gantt_svg(const std::string& path, const TaskGraph& graph, const Plan& plan, const Simulation& simulation,
                     const GanttOptions& options);

}  // namespace ramiel::schedule
