// Compile-time and schedule-quality benchmark of the scheduler (not a test).
//
//   schedule_bench [--sizes 1000,10000,100000,1000000] [--threads 16] [--repeat 3]
//                  [--zoo MODELS_DIR] [--no-random]
//
// Part 1: random DAGs of growing size (layered and fork/join shapes): wall time of every phase of
// compile_schedule() (best of --repeat runs) and of the HEFT baseline, with ns per task to show
// how close to linear the growth is.
// Part 2: every zoo model found under MODELS_DIR (default: <source>/models/cache): compile time at
// P = 2, 4, 16 and estimated makespan against the lower bound max(CP, W/P), serial time W and HEFT.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/model_loading.h"
#include "ramiel/error.h"
#include "schedule/list_scheduler.h"
#include "schedule/plan_builder.h"
#include "schedule/random_dag.h"
#include "schedule/scheduler.h"
#include "schedule/simulator.h"

namespace {

using namespace ramiel;
using Clock = std::chrono::steady_clock;

double since_ms(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::vector<size_t> parse_sizes(const std::string& text) {
  std::vector<size_t> sizes;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    sizes.push_back(std::stoul(text.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return sizes;
}

/// CPU time of this process in ms (the machine may be shared: wall time alone can mislead).
double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct Timed {
  schedule::Schedule schedule;
  double best_total_ms = 1e300;
  double best_cpu_ms = 1e300;
  schedule::PhaseTimes best_times;
};

Timed compile_best_of(const schedule::TaskGraph& graph, const schedule::SchedulerOptions& options, int repeat) {
  Timed timed;
  for (int r = 0; r < repeat; ++r) {
    const double cpu_before = cpu_ms();
    schedule::Schedule s = schedule::compile_schedule(graph, options);
    timed.best_cpu_ms = std::min(timed.best_cpu_ms, cpu_ms() - cpu_before);
    if (s.times.total_ms < timed.best_total_ms) {
      timed.best_total_ms = s.times.total_ms;
      timed.best_times = s.times;
    }
    timed.schedule = std::move(s);
  }
  return timed;
}

double list_scheduler_ms(const schedule::TaskGraph& graph, int threads, const schedule::CommModel& comm, double* wall_ms) {
  auto t = Clock::now();
  schedule::Plan plan = schedule::assemble_plan(graph, schedule::list_schedule(graph, threads, comm));
  double makespan = schedule::simulate(graph, plan, comm).makespan_ms;
  if (wall_ms) *wall_ms = since_ms(t);
  return makespan;
}

void random_part(const std::vector<size_t>& sizes, int threads, int repeat) {
  schedule::SchedulerOptions options;
  options.threads = threads;
  fmt::print("== Random DAGs, P = {}, sync = {} us, compile time in ms (best of {}) ==\n", threads,
             options.comm.sync_ms * 1e3, repeat);
  fmt::print("{:<9} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7} | {:>6} {:>6} {:>7} {:>4} {:>8} {:>8}\n", "shape",
             "tasks", "edges", "cluster", "merge", "map", "sim", "clone", "total", "cpu", "ns/task", "updates", "W/CP", "LB/W",
             "ours/W", "wkr", "HEFT/W", "HEFT_ms");
  for (auto [shape, name] : {std::pair{schedule::DagShape::kLayered, "layered"}, std::pair{schedule::DagShape::kForkJoin, "forkjoin"}}) {
    for (size_t n : sizes) {
      schedule::TaskGraph graph = schedule::random_dag(shape, n, 42 + n, 16);
      Timed t = compile_best_of(graph, options, n >= 1000000 ? 1 : repeat);
      const schedule::ScheduleStats& s = t.schedule.stats;
      double heft_wall = 0;
      double heft = list_scheduler_ms(graph, threads, options.comm, &heft_wall);
      fmt::print("{:<9} {:>8} {:>8} {:>8.1f} {:>7.1f} {:>7.1f} {:>7.1f} {:>7.1f} {:>7.1f} {:>7.1f} {:>8.0f} {:>7.2f} | {:>6.2f} {:>6.3f} {:>7.3f} {:>4} {:>8.3f} {:>8.1f}\n",
                 name, n, graph.edge_count(), t.best_times.clustering_ms, t.best_times.merging_ms, t.best_times.mapping_ms,
                 t.best_times.simulation_ms, t.best_times.cloning_ms, t.best_total_ms, t.best_cpu_ms, t.best_cpu_ms * 1e6 / static_cast<double>(n),
                 static_cast<double>(s.clustering.bottom_level_updates) / static_cast<double>(n), s.serial_ms / s.critical_path_ms,
                 s.lower_bound_ms / s.serial_ms, s.makespan_ms / s.serial_ms, s.workers, heft / s.serial_ms, heft_wall);
      std::fflush(stdout);
    }
  }
  fmt::print("(phases and total: wall ms; cpu: process CPU ms, ns/task from it; updates = bottom-level recomputations per task in\n"
             " linear clustering; LB = max(CP, W/P); ours/W and HEFT/W: simulated makespan over serial time)\n\n");
}

void zoo_part(const std::filesystem::path& dir, int repeat) {
  fmt::print("== Zoo models ({}), analytic costs, sync 1 us ==\n", dir.string());
  fmt::print("{:<14} {:>5} {:>9} {:>9} {:>6} | {:>3} {:>8} {:>8} {:>9} {:>9} {:>9} {:>4} {:>6} {:>5} {:>7}\n", "model", "nodes", "W_ms", "CP_ms",
             "W/CP", "P", "compile", "clusters", "LB_ms", "ours_ms", "HEFT_ms", "wkr", "merged", "clone", "speedup");
  for (const char* name : {"squeezenet1_0", "googlenet", "inception_v3", "resnet50", "mobilenet_v2", "bert"}) {
    std::filesystem::path model = dir / name / "model.onnx";
    if (!std::filesystem::exists(model)) {
      fmt::print("{:<14} (missing: {})\n", name, model.string());
      continue;
    }
    cli::LoadedModel m = cli::load_model(model.string(), {});
    schedule::TaskGraph graph = schedule::task_graph_from_ir(m.graph, m.node_ms);
    for (int p : {2, 4, 16}) {
      schedule::SchedulerOptions options;
      options.threads = p;
      Timed t = compile_best_of(graph, options, repeat);
      const schedule::ScheduleStats& s = t.schedule.stats;
      double heft = list_scheduler_ms(graph, p, options.comm, nullptr);
      fmt::print("{:<14} {:>5} {:>9.3f} {:>9.3f} {:>6.3f} | {:>3} {:>8.3f} {:>8} {:>9.3f} {:>9.3f} {:>9.3f} {:>4} {:>6} {:>5} {:>7.3f}\n", name,
                 graph.task_count(), s.serial_ms, s.critical_path_ms, s.serial_ms / s.critical_path_ms, p, t.best_total_ms,
                 s.clusters_initial, s.lower_bound_ms, s.makespan_ms, heft, s.workers, s.clusters_merged, s.cloned_tasks,
                 s.serial_ms / s.makespan_ms);
      std::fflush(stdout);
    }
  }
  fmt::print("(compile = compile_schedule() wall ms, best of {}; speedup = W / our makespan)\n", repeat);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes = {1000, 10000, 100000, 1000000};
  int threads = 16;
  int repeat = 3;
  bool random = true;
  std::filesystem::path zoo = std::filesystem::path(RAMIEL_BENCH_SOURCE_DIR) / "models" / "cache";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "schedule_bench: {} needs a value\n", arg);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--sizes") sizes = parse_sizes(next());
    else if (arg == "--threads") threads = std::stoi(next());
    else if (arg == "--repeat") repeat = std::max(1, std::stoi(next()));
    else if (arg == "--zoo") zoo = next();
    else if (arg == "--no-random") random = false;
    else {
      fmt::print(stderr, "usage: schedule_bench [--sizes N,N,...] [--threads P] [--repeat R] [--zoo DIR] [--no-random]\n");
      return 2;
    }
  }
  try {
    if (random) random_part(sizes, threads, repeat);
    zoo_part(zoo, repeat);
  } catch (const ramiel::Error& e) {
    fmt::print(stderr, "schedule_bench: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
