#include "schedule/gantt_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "ramiel/error.h"
#include "schedule/palette.h"

namespace ramiel::schedule {

namespace {

constexpr double kLeft = 150;      // room for worker labels
constexpr double kRight = 30;
constexpr double kRowHeight = 30;
constexpr double kRowGap = 12;
constexpr double kLineHeight = 17;
constexpr double kSliceBand = 4;   // height of the dark band marking a slice
constexpr size_t kColoredOps = 11;  // the rest share the last palette colour

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

/// A round tick spacing giving about `target` ticks over `span`.
double tick_step(double span, int target) {
  if (span <= 0) return 1;
  double raw = span / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * magnitude) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string ms(double value) { return value >= 100 ? fmt::format("{:.1f}", value) : value >= 1 ? fmt::format("{:.3f}", value) : fmt::format("{:.4f}", value); }

}  // namespace

std::string gantt_svg(const TaskGraph& graph, const Plan& plan, const Simulation& sim, const GanttOptions& options) {
  const size_t workers = plan.workers.size();
  const double makespan = sim.makespan_ms > 0 ? sim.makespan_ms : 1.0;
  const double scale = options.width_px / makespan;

  // Colour operator types by total time, the heaviest first.
  std::map<std::string, double> time_by_op;
  for (size_t w = 0; w < workers; ++w) {
    for (size_t s = 0; s < plan.workers[w].steps.size(); ++s) {
      const StepTiming& timing = sim.steps[w][s];
      time_by_op[graph.op_type(graph.task_of(plan.workers[w].steps[s].node))] += timing.finish_ms - timing.start_ms;
    }
  }
  std::vector<std::pair<double, std::string>> ops;
  for (const auto& [op, t] : time_by_op) ops.push_back({-t, op});
  std::sort(ops.begin(), ops.end());
  std::map<std::string, size_t> color_index;
  for (size_t i = 0; i < ops.size(); ++i) color_index[ops[i].second] = std::min(i, kColoredOps);

  const double header = 14 + kLineHeight * static_cast<double>(1 + options.notes.size()) + 10;
  const double rows_bottom = header + static_cast<double>(workers) * (kRowHeight + kRowGap);
  const double axis_bottom = rows_bottom + 28;
  bool has_slices = false;
  for (const WorkerProgram& program : plan.workers) {
    for (const Step& s : program.steps) has_slices = has_slices || s.kind == StepKind::kSlice;
  }
  // + clone, dependency, bound (+ slice)
  const size_t legend_entries = std::min(ops.size(), kColoredOps + 1) + 3 + (has_slices ? 1 : 0);
  const size_t legend_per_row = 6;
  const double legend_rows = std::ceil(static_cast<double>(legend_entries) / legend_per_row);
  const double height = axis_bottom + 12 + legend_rows * 22 + 10;
  const double width = kLeft + options.width_px + kRight;
  auto x_of = [&](double t) { return kLeft + t * scale; };
  auto row_top = [&](size_t w) { return header + static_cast<double>(w) * (kRowHeight + kRowGap); };

  std::string svg;
  svg += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
      width, height, width, height);
  svg += "<defs>\n"
         "  <pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#333\" stroke-width=\"1.5\" stroke-opacity=\"0.5\"/></pattern>\n"
         "  <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\">"
         "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#c0392b\"/></marker>\n"
         "</defs>\n";
  svg += fmt::format("<rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"white\"/>\n", width, height);
  svg += fmt::format("<text x=\"12\" y=\"{:.0f}\" font-size=\"15\" font-weight=\"bold\">{}</text>\n", 14 + kLineHeight - 4,
                     xml_escape(options.title));
  for (size_t i = 0; i < options.notes.size(); ++i) {
    svg += fmt::format("<text x=\"12\" y=\"{:.0f}\">{}</text>\n", 14 + kLineHeight * static_cast<double>(i + 2) - 4,
                       xml_escape(options.notes[i]));
  }

  // Time grid and axis.
  const double step = tick_step(makespan, 10);
  for (double t = 0; t <= makespan * (1 + 1e-9); t += step) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" stroke=\"#e5e5e5\"/>\n", x_of(t), header - 4, rows_bottom);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\" fill=\"#555\">{:g}</text>\n", x_of(t), rows_bottom + 16, t);
  }
  svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\" fill=\"#555\">ms</text>\n", kLeft - 8, rows_bottom + 16);

  if (options.lower_bound_ms > 0 && options.lower_bound_ms <= makespan) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" stroke=\"#2c7bb6\" stroke-width=\"1.5\" "
                       "stroke-dasharray=\"6,4\"><title>lower bound max(CP, W/P) = {3} ms</title></line>\n",
                       x_of(options.lower_bound_ms), header - 8, rows_bottom - 4, ms(options.lower_bound_ms));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"end\" fill=\"#2c7bb6\" font-size=\"11\">lower bound</text>\n",
                       x_of(options.lower_bound_ms) - 4, header - 1);
  }

  // Worker rows and steps.
  for (size_t w = 0; w < workers; ++w) {
    const double top = row_top(w);
    double busy = sim.busy_ms.empty() ? 0 : sim.busy_ms[w];
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.0f}\" fill=\"#f6f6f6\"/>\n", kLeft, top,
                       options.width_px, kRowHeight);
    svg += fmt::format("<text x=\"10\" y=\"{:.1f}\" font-weight=\"bold\">worker {}</text>\n", top + 13, w);
    svg += fmt::format("<text x=\"10\" y=\"{:.1f}\" fill=\"#555\" font-size=\"11\">{:.0f}% busy, {} steps</text>\n", top + 26,
                       100 * busy / makespan, plan.workers[w].steps.size());
    for (size_t s = 0; s < plan.workers[w].steps.size(); ++s) {
      const Step& st = plan.workers[w].steps[s];
      const TaskId t = graph.task_of(st.node);
      const StepTiming& timing = sim.steps[w][s];
      const std::string op = graph.op_type(t);
      const double x = x_of(timing.start_ms);
      const double box = std::max((timing.finish_ms - timing.start_ms) * scale, 0.8);
      std::string kind = st.kind == StepKind::kClone ? " [clone]"
                         : st.kind == StepKind::kSlice ? fmt::format(" [slice {} of {}]", st.slice_index, st.slice_count)
                                                         : "";
      std::string tip = fmt::format("{} ({}){}\ncost {} ms\n{} - {} ms\nworker {} step {}", graph.name(t), op, kind,
                                    ms(timing.finish_ms - timing.start_ms), ms(timing.start_ms), ms(timing.finish_ms), w, s);
      svg += fmt::format("<g><title>{}</title><rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"{}\" stroke=\"#333\" stroke-width=\"{}\"{}/>",
                         xml_escape(tip), x, top, box, kRowHeight, categorical_color(color_index[op]), box > 3 ? "0.5" : "0",
                         st.kind == StepKind::kClone ? " stroke-dasharray=\"3,2\"" : "");
      if (st.kind == StepKind::kClone) {
        svg += fmt::format("<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"url(#hatch)\"/>", x, top, box, kRowHeight);
      }
      // A slice: dark band along the bottom, and "op i/k" as its label.
      const std::string label = st.kind == StepKind::kSlice ? fmt::format("{} {}/{}", op, st.slice_index + 1, st.slice_count) : op;
      if (st.kind == StepKind::kSlice) {
        svg += fmt::format("<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"#333\"/>", x,
                           top + kRowHeight - kSliceBand, box, kSliceBand);
      }
      if (box >= 7.0 * static_cast<double>(label.size()) + 6) {
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"11\">{}</text>", x + box / 2, top + 19,
                           xml_escape(label));
      }
      svg += "</g>\n";
    }
  }

  // Cross-worker dependencies.
  for (const CrossDependency& d : plan.dependencies) {
    const StepTiming& from = sim.steps[static_cast<size_t>(d.from_worker)][static_cast<size_t>(d.from_step)];
    const StepTiming& to = sim.steps[static_cast<size_t>(d.to_worker)][static_cast<size_t>(d.to_step)];
    const bool down = d.to_worker > d.from_worker;
    const double y1 = row_top(static_cast<size_t>(d.from_worker)) + (down ? kRowHeight : 0);
    const double y2 = row_top(static_cast<size_t>(d.to_worker)) + (down ? 0 : kRowHeight);
    TaskId producer = graph.task_of(d.producer);
    TaskId consumer = graph.task_of(plan.workers[static_cast<size_t>(d.to_worker)].steps[static_cast<size_t>(d.to_step)].node);
    std::string tip = fmt::format("{} (worker {}) -> {} (worker {})\n{} bytes, ready at {} ms, consumer starts at {} ms",
                                  graph.name(producer), d.from_worker, graph.name(consumer), d.to_worker, d.bytes, ms(from.finish_ms),
                                  ms(to.start_ms));
    svg += fmt::format("<line x1=\"{:.2f}\" y1=\"{:.1f}\" x2=\"{:.2f}\" y2=\"{:.1f}\" stroke=\"#c0392b\" stroke-opacity=\"0.7\" "
                       "stroke-width=\"1.2\" marker-end=\"url(#arrow)\"><title>{}</title></line>\n",
                       x_of(from.finish_ms), y1, x_of(to.start_ms), y2, xml_escape(tip));
  }

  // Legend.
  std::vector<std::pair<std::string, std::string>> legend;  // colour, label
  for (size_t i = 0; i < ops.size() && i <= kColoredOps; ++i) {
    legend.push_back({categorical_color(i), i == kColoredOps && ops.size() > kColoredOps + 1 ? "other ops" : ops[i].second});
  }
  legend.push_back({"hatch", "clone"});
  if (has_slices) legend.push_back({"slice", "slice i/k of a split node"});
  legend.push_back({"arrow", "cross-worker dependency"});
  if (options.lower_bound_ms > 0) legend.push_back({"bound", "lower bound max(CP, W/P)"});
  for (size_t i = 0; i < legend.size(); ++i) {
    const double lx = kLeft + static_cast<double>(i % legend_per_row) * 200;
    const double ly = axis_bottom + 12 + static_cast<double>(i / legend_per_row) * 22;
    if (legend[i].first == "arrow") {
      svg += fmt::format("<line x1=\"{:.0f}\" y1=\"{:.0f}\" x2=\"{:.0f}\" y2=\"{:.0f}\" stroke=\"#c0392b\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n",
                         lx, ly + 7, lx + 16, ly + 7);
    } else if (legend[i].first == "bound") {
      svg += fmt::format("<line x1=\"{:.0f}\" y1=\"{:.0f}\" x2=\"{:.0f}\" y2=\"{:.0f}\" stroke=\"#2c7bb6\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n",
                         lx + 8, ly, lx + 8, ly + 14);
    } else if (legend[i].first == "slice") {
      svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"16\" height=\"14\" fill=\"#f6f6f6\" stroke=\"#333\" stroke-width=\"0.5\"/>"
                         "<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"16\" height=\"{:.0f}\" fill=\"#333\"/>\n",
                         lx, ly, lx, ly + 14 - kSliceBand, kSliceBand);
    } else if (legend[i].first == "hatch") {
      svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"16\" height=\"14\" fill=\"url(#hatch)\" stroke=\"#333\" stroke-dasharray=\"3,2\"/>\n", lx, ly);
    } else {
      svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"16\" height=\"14\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"/>\n", lx, ly,
                         legend[i].first);
    }
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", lx + 22, ly + 11, xml_escape(legend[i].second));
  }
  svg += "</svg>\n";
  return svg;
}

void write_gantt_svg(const std::string& path, const TaskGraph& graph, const Plan& plan, const Simulation& simulation,
                     const GanttOptions& options) {
  std::ofstream out(path);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
  out << gantt_svg(graph, plan, simulation, options);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

}  // namespace ramiel::schedule
