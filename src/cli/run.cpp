// `ramiel run`: runs a model once (or --repeat times) on given or random inputs, optionally checks
// the outputs against a test_data_set folder, and prints latency.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/model_inputs.h"
#include "cli/model_loading.h"
#include "cli/parallel_setup.h"
#include "cli/threading_choice.h"
#include "cli/trace_file.h"
#include "ramiel/error.h"
#include "runtime/layout.h"
#include "runtime/session.h"

namespace ramiel::cli {
namespace {

std::string index_string(int64_t flat, const ir::Dims& dims) {
  std::vector<int64_t> idx(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    int64_t d = std::max<int64_t>(dims[i], 1);
    idx[i] = flat % d;
    flat /= d;
  }
  std::string s = "[";
  for (size_t i = 0; i < idx.size(); ++i) s += (i ? "," : "") + std::to_string(idx[i]);
  return s + "]";
}

// Compares one output with its reference; prints a line (or a summary of mismatches); true if equal.
bool check_output(const std::string& name, const ir::Tensor& got, const ir::Tensor& want, double rtol, double atol) {
  if (got.dims() != want.dims()) {
    fmt::print("output '{}': MISMATCH: dims {} but reference has {}\n", name, ir::to_string(got.dims()),
               ir::to_string(want.dims()));
    return false;
  }
  const int64_t n = got.size();
  double max_abs = 0, max_rel = 0;
  int64_t max_abs_at = 0, mismatches = 0;
  std::vector<int64_t> first;
  for (int64_t i = 0; i < n; ++i) {
    double a = ir::element_as_double(got, i), b = ir::element_as_double(want, i);
    if (std::isnan(a) && std::isnan(b)) continue;
    double diff = std::fabs(a - b);
    if (std::isnan(diff)) diff = INFINITY;
    if (diff > max_abs) {
      max_abs = diff;
      max_abs_at = i;
    }
    if (b != 0) max_rel = std::max(max_rel, diff / std::fabs(b));
    if (!(diff <= atol + rtol * std::fabs(b))) {
      ++mismatches;
      if (first.size() < 5) first.push_back(i);
    }
  }
  if (mismatches == 0) {
    fmt::print("output '{}': OK {} {} max_abs_diff={:.3g} max_rel_diff={:.3g}\n", name, ir::to_string(got.dtype()),
               ir::to_string(got.dims()), max_abs, max_rel);
    return true;
  }
  fmt::print("output '{}': MISMATCH: {} of {} elements differ (rtol {:g}, atol {:g}); max_abs_diff={:.3g} at {} "
             "(got {:.6g}, expected {:.6g}); max_rel_diff={:.3g}\n",
             name, mismatches, n, rtol, atol, max_abs, index_string(max_abs_at, got.dims()),
             ir::element_as_double(got, max_abs_at), ir::element_as_double(want, max_abs_at), max_rel);
  for (int64_t i : first) {
    fmt::print("  at {}: got {:.6g}, expected {:.6g}\n", index_string(i, got.dims()), ir::element_as_double(got, i),
               ir::element_as_double(want, i));
  }
  return false;
}

// Timed runs of each way of threading before `run` chooses one (auto).
constexpr int kChoiceRuns = 6;

}  // namespace

void add_run_command(CLI::App& app) {
  struct Options {
    std::string model, inputs, check, trace;
    int repeat = 1;
    int threads = default_threads();
    double rtol = 1e-3, atol = 1e-7;
    std::string layout = "auto", threading = "auto";
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model on given or random inputs, optionally checking its outputs");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--inputs", opts->inputs, "Folder with input_N.pb (ONNX TensorProto); random inputs if absent");
  cmd->add_option("--check", opts->check,
                  "test_data_set folder: compare outputs with its output_N.pb (and take its inputs unless --inputs)");
  cmd->add_option("--repeat", opts->repeat, "Number of timed runs")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", opts->threads, "Worker threads P (1: serial executor)")->capture_default_str();
  cmd->add_option("--threading", opts->threading,
                  std::string("How P > 1 threads are used: ") + kThreadingChoices +
                      " (plan: ramiel's parallel plan; onednn: serial order, oneDNN kernels on P OpenMP threads; auto: "
                      "time both on these inputs first and keep the faster)")
      ->capture_default_str();
  cmd->add_option("--trace", opts->trace,
                  "Write when each step ran on which worker in one more run, as Chrome trace JSON (chrome://tracing, "
                  "ui.perfetto.dev)");
  cmd->add_option("--rtol", opts->rtol, "Relative tolerance for --check")->check(CLI::NonNegativeNumber);
  cmd->add_option("--atol", opts->atol, "Absolute tolerance for --check")->check(CLI::NonNegativeNumber);
  cmd->add_option("--layout", opts->layout,
                  std::string("Activation layout between convolutions: ") + kLayoutChoices +
                      " (auto: what oneDNN prefers on this CPU; plain: each Conv reorders on its own)");
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    if (opts->threads < 1) throw Error(ErrorKind::kInvalidArgument, "--threads must be at least 1, got " + std::to_string(opts->threads));
    const std::optional<Threading> forced = parse_threading(opts->threading);
    LoadedModel m = load_model(opts->model, opts->load);
    const ir::Graph& g = m.graph;
    std::vector<ir::Tensor> inputs;
    std::string input_dir = !opts->inputs.empty() ? opts->inputs : opts->check;
    if (!input_dir.empty()) inputs = order_as_graph_inputs(g, load_numbered_tensors(input_dir, "input"));

    runtime::SessionOptions so = session_options_for_layout(opts->layout);
    so.input_dims = concrete_input_dims(g, inputs.empty() ? nullptr : &inputs);
    std::string plan_summary = "serial (1 thread)";
    auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<runtime::Session> session, onednn;
    if (opts->threads != 1 && forced != Threading::kPlan) {
      runtime::SessionOptions oo = so;
      oo.kernel_threads = opts->threads;
      onednn = std::make_unique<runtime::Session>(m.graph, oo);
      plan_summary = describe_onednn_threading(opts->threads);
    }
    if (opts->threads != 1 && forced != Threading::kOneDnn) {
      ParallelSetup setup = plan_parallel(m, opts->threads);
      runtime::SessionOptions po = so;
      po.schedule = setup.node_schedule;
      session = std::make_unique<runtime::Session>(m.graph, po);
      const auto& st = setup.schedule.stats;
      plan_summary = fmt::format("{} worker{} (P = {}), {} nodes split, {} cloned, predicted {:.3f} ms vs serial {:.3f} ms; costs {}",
                                 st.workers, st.workers == 1 ? "" : "s", opts->threads, st.split_nodes, st.cloned_tasks,
                                 st.makespan_ms, st.serial_ms, m.cost_source);
    }
    if (opts->threads == 1) session = std::make_unique<runtime::Session>(m.graph, so);
    double create_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    runtime::Session& any = session ? *session : *onednn;
    if (inputs.empty()) {
      for (size_t i = 0; i < any.inputs().size(); ++i) {
        const auto& in = any.inputs()[i];
        inputs.push_back(random_tensor(in.dtype, in.dims, 1234 + i));
      }
    }
    if (session && onednn) {  // auto: keep the faster on these inputs
      const ThreadingChoice choice = choose_threading(*session, *onednn, inputs, kChoiceRuns);
      fmt::print("threading    {} (auto, medians of {} runs: plan {:.3f} ms, oneDNN OpenMP {:.3f} ms)\n", to_string(choice.chosen),
                 kChoiceRuns, choice.plan_ms, choice.onednn_ms);
      if (choice.chosen == Threading::kOneDnn) {
        session = std::move(onednn);
        plan_summary = describe_onednn_threading(opts->threads);
      }
      onednn.reset();
    } else if (onednn) {
      session = std::move(onednn);
    }
    runtime::Session& chosen = *session;

    std::vector<double> times;
    std::vector<ir::Tensor> outputs;
    for (int r = 0; r < opts->repeat; ++r) {
      auto start = std::chrono::steady_clock::now();
      outputs = chosen.run(inputs);
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    const auto& st = chosen.stats();
    fmt::print("model        {}\n", opts->model);
    fmt::print("plan         {}\n", plan_summary);
    fmt::print("session      created in {:.1f} ms: {} kernels, {} views, {} folded nodes, arena {:.2f} MiB ({:.2f} MiB "
               "without reuse)\n",
               create_ms, st.kernels, st.views, st.folded_nodes, static_cast<double>(st.arena_bytes) / 1048576.0,
               static_cast<double>(st.unshared_bytes) / 1048576.0);
    fmt::print("fusion       {} activations, {} bias Adds, {} residual Adds and {} scalings fused into the "
               "kernel before them, {} Transposes read or written by a MatMul through strides, {} LayerNorm op chains into one "
               "kernel each, {} Concats written in place by their inputs' producers\n",
               st.fused_activations, st.fused_biases, st.fused_residuals, st.fused_scales, st.fused_transposes,
               st.fused_layer_norms, st.concats_in_place);
    fmt::print("layout       {} activations: {} tensors, {} layout conversions\n",
               runtime::to_string(chosen.program().activation_layout), st.layout_slots, st.conversions);
    fmt::print("latency      median {:.3f} ms, min {:.3f} ms over {} run{}{}\n", median_of(times),
               *std::min_element(times.begin(), times.end()), times.size(),
               times.size() == 1 ? "" : "s", times.size() == 1 ? " (includes first-run warm-up)" : "");

    if (!opts->trace.empty()) {
      std::vector<runtime::TraceEvent> trace;
      chosen.run_traced(inputs, trace);
      write_chrome_trace(opts->trace, chosen, trace);
      const TraceSummary summary = summarize_trace(trace, chosen.workers());
      std::string busy;
      for (double us : summary.busy_us) busy += fmt::format("{}{:.0f}%", busy.empty() ? "" : ", ", 100 * us / std::max(1e-9, summary.makespan_us));
      fmt::print("trace        {}: {} steps in {:.3f} ms, workers busy {}\n", opts->trace, trace.size(), summary.makespan_us / 1e3, busy);
    }
    if (opts->check.empty()) {
      for (size_t i = 0; i < outputs.size(); ++i) {
        fmt::print("output '{}': {} {}\n", chosen.outputs()[i].name, ir::to_string(outputs[i].dtype()),
                   ir::to_string(outputs[i].dims()));
      }
      return;
    }
    std::vector<ir::NamedTensor> refs = load_numbered_tensors(opts->check, "output");
    if (refs.size() != outputs.size()) {
      throw Error(ErrorKind::kInvalidArgument, "model has " + std::to_string(outputs.size()) + " outputs, " +
                                                   opts->check + " has " + std::to_string(refs.size()));
    }
    bool by_name = true;
    for (const auto& r : refs) {
      bool found = false;
      for (const auto& o : chosen.outputs()) found = found || o.name == r.name;
      by_name = by_name && found;
    }
    size_t failed = 0;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string& name = chosen.outputs()[i].name;
      const ir::Tensor* want = &refs[i].tensor;
      if (by_name) {
        for (const auto& r : refs)
          if (r.name == name) want = &r.tensor;
      }
      if (!check_output(name, outputs[i], *want, opts->rtol, opts->atol)) ++failed;
    }
    if (failed > 0) {
      fmt::print("check        FAILED: {} of {} outputs differ from {}\n", failed, outputs.size(), opts->check);
      set_exit_code(1);
    } else {
      fmt::print("check        OK: {} outputs match {}\n", outputs.size(), opts->check);
    }
  });
}

}  // namespace ramiel::cli
