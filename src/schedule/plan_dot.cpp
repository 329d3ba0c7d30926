#include "schedule/plan_dot.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "ramiel/error.h"
#include "schedule/palette.h"
#include "schedule/simulator.h"

namespace ramiel::schedule {

namespace {

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string plan_dot(const TaskGraph& graph, const Plan& plan, const Clustering* clusters, const DotOptions& options) {
  const size_t n = graph.task_count();
  std::vector<int32_t> worker_of(n, -1), step_of(n, -1);
  std::map<std::pair<int32_t, TaskId>, int32_t> clone_step;  // (worker, task) -> step
  std::map<TaskId, std::vector<std::pair<int32_t, int32_t>>> slice_at;  // split task -> (worker, step) by slice index
  for (size_t w = 0; w < plan.workers.size(); ++w) {
    for (size_t s = 0; s < plan.workers[w].steps.size(); ++s) {
      const Step& st = plan.workers[w].steps[s];
      TaskId t = graph.task_of(st.node);
      if (st.kind == StepKind::kClone) {
        clone_step[{static_cast<int32_t>(w), t}] = static_cast<int32_t>(s);
      } else if (st.kind == StepKind::kSlice && st.slice_index >= 0 && st.slice_index < st.slice_count) {
        auto& at = slice_at[t];
        at.resize(static_cast<size_t>(st.slice_count), {-1, -1});
        at[static_cast<size_t>(st.slice_index)] = {static_cast<int32_t>(w), static_cast<int32_t>(s)};
        if (st.slice_index == 0) {  // a split node is drawn where its first slice runs
          worker_of[static_cast<size_t>(t)] = static_cast<int32_t>(w);
          step_of[static_cast<size_t>(t)] = static_cast<int32_t>(s);
        }
      } else if (worker_of[static_cast<size_t>(t)] < 0) {
        worker_of[static_cast<size_t>(t)] = static_cast<int32_t>(w);
        step_of[static_cast<size_t>(t)] = static_cast<int32_t>(s);
      }
    }
  }
  std::string dot = "digraph plan {\n  rankdir=TB;\n  node [shape=box, style=\"filled,rounded\", fontname=Helvetica, fontsize=10];\n"
                    "  edge [color=\"#555555\"];\n";
  std::string label = dot_escape(options.title);
  for (const std::string& note : options.notes) label += "\\n" + dot_escape(note);
  label += "\\nfill = worker; red dashed edges cross workers; dashed nodes are clones; double-bordered nodes are split into slices";
  dot += fmt::format("  labelloc=t; fontname=Helvetica; label=\"{}\";\n", label);
  // Legend: one swatch per worker.
  dot += "  subgraph cluster_legend {\n    label=\"workers\"; style=dashed;\n";
  for (size_t w = 0; w < plan.workers.size(); ++w) {
    dot += fmt::format("    legend_w{} [label=\"worker {}\\n{} steps\", fillcolor=\"{}\"];\n", w, w, plan.workers[w].steps.size(),
                       categorical_color(w));
  }
  dot += "  }\n";
  for (size_t t = 0; t < n; ++t) {
    TaskId task = static_cast<TaskId>(t);
    std::string where = worker_of[t] >= 0 ? fmt::format("w{} step {}", worker_of[t], step_of[t]) : "not in the plan";
    auto sliced = slice_at.find(task);
    if (sliced != slice_at.end()) {
      where = fmt::format("{} slices:", sliced->second.size());
      for (const auto& [w, s] : sliced->second) where += fmt::format(" w{}/{}", w, s);
    }
    if (clusters && t < clusters->cluster_of.size()) where += fmt::format("  chain {}", clusters->cluster_of[t]);
    dot += fmt::format("  n{} [label=\"{}\\n{}  {:.3f} ms\\n{}\", fillcolor=\"{}\"{}];\n", t, dot_escape(graph.name(task)),
                       dot_escape(graph.op_type(task)), graph.cost_ms(task), where,
                       worker_of[t] >= 0 ? categorical_color(static_cast<size_t>(worker_of[t])) : "#ffffff",
                       sliced != slice_at.end() ? ", peripheries=2, penwidth=2" : "");
  }
  for (const auto& [key, step] : clone_step) {
    dot += fmt::format("  c{}_{} [label=\"{}\\n(clone)  w{} step {}\", fillcolor=\"{}\", style=\"filled,rounded,dashed\"];\n", key.first,
                       key.second, dot_escape(graph.name(key.second)), key.first, step, categorical_color(static_cast<size_t>(key.first)));
  }
  // True if every piece of u (the whole node, or all its slices) runs on worker w.
  auto on_worker_only = [&](TaskId u, int32_t w) {
    auto sliced = slice_at.find(u);
    if (sliced == slice_at.end()) return worker_of[static_cast<size_t>(u)] == w;
    return std::all_of(sliced->second.begin(), sliced->second.end(), [&](const auto& at) { return at.first == w; });
  };
  // Edges: a consumer reads the clone on its own worker if one runs before it, else the original.
  auto emit_input = [&](TaskId u, int32_t w, int32_t s, const std::string& consumer) {
    auto clone = clone_step.find({w, u});
    if (clone != clone_step.end() && clone->second < s) {
      dot += fmt::format("  c{}_{} -> {} [style=dashed];\n", w, u, consumer);
    } else if (on_worker_only(u, w)) {
      dot += fmt::format("  n{} -> {};\n", u, consumer);
    } else {
      dot += fmt::format("  n{} -> {} [color=\"#c0392b\", style=dashed, penwidth=2];\n", u, consumer);
    }
  };
  for (size_t t = 0; t < n; ++t) {
    for (EdgeId e : graph.in_edges(static_cast<TaskId>(t))) emit_input(graph.edge(e).from, worker_of[t], step_of[t], fmt::format("n{}", t));
  }
  for (const auto& [key, step] : clone_step) {
    for (EdgeId e : graph.in_edges(key.second)) emit_input(graph.edge(e).from, key.first, step, fmt::format("c{}_{}", key.first, key.second));
  }
  dot += "}\n";
  return dot;
}

void write_plan_dot(const std::string& path, const TaskGraph& graph, const Plan& plan, const Clustering* clusters,
                    const DotOptions& options) {
  std::ofstream out(path);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
  out << plan_dot(graph, plan, clusters, options);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

}  // namespace ramiel::schedule
