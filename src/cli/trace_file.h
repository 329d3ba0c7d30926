#pragma once
/// \file
/// Traces of one run (Session::run_traced) as Chrome trace event JSON, for chrome://tracing and
/// ui.perfetto.dev: one row per worker, one box per step (a slice of a split node is named
/// "node [i/k]"), so the idle gaps of a plan and the hand-offs between workers can be seen.

#include <string>
#include <vector>

#include "runtime/session.h"

namespace ramiel::cli {

/// Per-worker totals of a trace.
struct TraceSummary {
  double makespan_us = 0;            ///< End of the last step.
  std::vector<double> busy_us;       ///< Per worker: time inside steps.
};

/// Totals of `trace` (events of a session with `workers` workers).
TraceSummary summarize_trace(const std::vector<runtime::TraceEvent>& trace, int workers);

/// Writes `trace` of `session` to `path` as Chrome trace JSON; throws Error(kIo) if it cannot.
void write_chrome_trace(const std::string& path, const runtime::Session& session, const std::vector<runtime::TraceEvent>& trace);

}  // namespace ramiel::cli
