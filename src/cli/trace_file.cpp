#include "cli/trace_file.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ramiel/error.h"

namespace ramiel::cli {

TraceSummary summarize_trace(const std::vector<runtime::TraceEvent>& trace, int workers) {
  TraceSummary summary;
  summary.busy_us.assign(static_cast<size_t>(std::max(1, workers)), 0.0);
  for (const runtime::TraceEvent& e : trace) {
    summary.makespan_us = std::max(summary.makespan_us, e.end_us);
    if (e.worker >= 0 && static_cast<size_t>(e.worker) < summary.busy_us.size()) summary.busy_us[static_cast<size_t>(e.worker)] += e.end_us - e.start_us;
  }
  return summary;
}

void write_chrome_trace(const std::string& path, const runtime::Session& session, const std::vector<runtime::TraceEvent>& trace) {
  nlohmann::json events = nlohmann::json::array();
  for (int w = 0; w < session.workers(); ++w) {
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 0}, {"tid", w}, {"args", {{"name", "worker " + std::to_string(w)}}}});
  }
  const runtime::Program& program = session.program();
  for (const runtime::TraceEvent& e : trace) {
    const runtime::Step& step = program.steps[static_cast<size_t>(e.step)];
    std::string name = session.graph().node(step.node).name;
    if (!step.slice.whole()) name += " [" + std::to_string(step.slice.index + 1) + "/" + std::to_string(step.slice.count) + "]";
    events.push_back({{"name", name},
                      {"cat", step.op},
                      {"ph", "X"},
                      {"pid", 0},
                      {"tid", e.worker},
                      {"ts", e.start_us},
                      {"dur", e.end_us - e.start_us},
                      {"args", {{"op", step.op}, {"step", e.step}}}});
  }
  std::ofstream out(path);
  out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << '\n';
  if (!out) throw Error(ErrorKind::kIo, "cannot write the trace to '" + path + "'");
}

}  // namespace ramiel::cli
