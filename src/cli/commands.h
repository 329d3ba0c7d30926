#pragma once
/// \file
/// The `ramiel` subcommands. Each lives in its own file and registers itself on the app; its
/// callback runs the command and reports failures by throwing ramiel::Error.

#include <CLI/CLI.hpp>

namespace ramiel::cli {

/// `ramiel info MODEL [--json]`: structure, cost and parallelism summary.
void add_info_command(CLI::App& app);
/// `ramiel dot MODEL -o FILE.dot`: Graphviz rendering with the critical path highlighted.
void add_dot_command(CLI::App& app);
/// `ramiel run MODEL [--inputs DIR] [--check DIR] [--repeat N]`: run, check outputs, print latency.
void add_run_command(CLI::App& app);
/// `ramiel bench MODEL --threads 1 [--repeat N] [--json]`: median latency after warm-up.
void add_bench_command(CLI::App& app);

/// `ramiel prune MODEL -o OUT.onnx`: the pruning pipeline, written back as ONNX.
void add_prune_command(CLI::App& app);

/// `ramiel profile MODEL [-o COSTS.json]`: measured per-node costs and calibration report.
void add_profile_command(CLI::App& app);

/// `ramiel compile MODEL [--threads P] [-o PLAN.json] [--json] [--gantt FILE.svg] [--dot FILE.dot]`:
/// the static parallel plan (clustering, merging, mapping, cloning) and its simulated makespan.
void add_compile_command(CLI::App& app);

/// Sets the process exit code for commands that finish normally but must report failure
/// (e.g. `run --check` finding a mismatch).
void set_exit_code(int code);
/// The exit code set so far (0 by default).
int exit_code();

}  // namespace ramiel::cli
