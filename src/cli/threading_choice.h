#pragma once
/// \file
/// How a parallel run uses its P threads: ramiel's static plan (branches side by side, heavy nodes
/// split into slices), or the serial order with oneDNN's own OpenMP threading inside each oneDNN
/// kernel. Which is faster depends on the model and the machine, so `run` and `bench` measure
/// both on the model at load time and keep the faster one ("auto").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/tensor.h"
#include "runtime/session.h"

namespace ramiel::cli {

/// One way of using P threads.
enum class Threading {
  kPlan,    ///< ramiel's static parallel plan on P workers.
  kOneDnn,  ///< The serial order, each oneDNN kernel on P OpenMP threads.
};

/// "plan" or "onednn".
std::string_view to_string(Threading threading);

/// The --threading choices, for help texts.
inline constexpr const char* kThreadingChoices = "auto, plan, onednn";

/// Parses a --threading value: nullopt for "auto"; throws Error(kInvalidArgument) naming the value otherwise.
std::optional<Threading> parse_threading(const std::string& text);

/// "serial order, oneDNN kernels on P OpenMP threads", for run summaries.
std::string describe_onednn_threading(int threads);

/// Median of a non-empty sample.
double median_of(std::vector<double> sample);

/// Wall time of one run of `session`, in ms.
double time_run(runtime::Session& session, const std::vector<ir::Tensor>& inputs);

/// The outcome of measuring both ways.
struct ThreadingChoice {
  Threading chosen = Threading::kPlan;  ///< The faster one.
  double plan_ms = 0;                   ///< Median latency of the plan.
  double onednn_ms = 0;                 ///< Median latency with oneDNN's threading.
};

/// Times `plan` and `onednn` on `inputs`, `runs` runs each after one warm-up, in two rounds of
/// blocks (OpenMP's threads keep spinning after each parallel region and would slow the plan's
/// workers down if the runs alternated one by one), and returns the faster by median.
ThreadingChoice choose_threading(runtime::Session& plan, runtime::Session& onednn, const std::vector<ir::Tensor>& inputs, int runs);

}  // namespace ramiel::cli
