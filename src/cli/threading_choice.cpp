#include "cli/threading_choice.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "ramiel/error.h"

namespace ramiel::cli {

std::string_view to_string(Threading threading) { return threading == Threading::kPlan ? "plan" : "onednn"; }

std::optional<Threading> parse_threading(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "plan") return Threading::kPlan;
  if (text == "onednn") return Threading::kOneDnn;
  throw Error(ErrorKind::kInvalidArgument, "--threading must be one of " + std::string(kThreadingChoices) + ", got '" + text + "'");
}

std::string describe_onednn_threading(int threads) {
  return fmt::format("serial order, oneDNN kernels on {} OpenMP threads", threads);
}

double median_of(std::vector<double> sample) {
  std::sort(sample.begin(), sample.end());
  const size_t n = sample.size();
  return n % 2 ? sample[n / 2] : (sample[n / 2 - 1] + sample[n / 2]) / 2;
}

double time_run(runtime::Session& session, const std::vector<ir::Tensor>& inputs) {
  auto t0 = std::chrono::steady_clock::now();
  session.run(inputs);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

ThreadingChoice choose_threading(runtime::Session& plan, runtime::Session& onednn, const std::vector<ir::Tensor>& inputs, int runs) {
  if (runs < 1) throw Error(ErrorKind::kInvalidArgument, "choose_threading needs at least one run");
  std::vector<double> plan_ms, onednn_ms;
  const int first = (runs + 1) / 2;
  for (int round = 0; round < 2; ++round) {
    const int count = round == 0 ? first : runs - first;
    if (count == 0) continue;
    plan.run(inputs);  // warm-up: the other session's threads may have evicted the caches
    for (int i = 0; i < count; ++i) plan_ms.push_back(time_run(plan, inputs));
    onednn.run(inputs);
    for (int i = 0; i < count; ++i) onednn_ms.push_back(time_run(onednn, inputs));
  }
  ThreadingChoice choice;
  choice.plan_ms = median_of(plan_ms);
  choice.onednn_ms = median_of(onednn_ms);
  choice.chosen = choice.onednn_ms < choice.plan_ms ? Threading::kOneDnn : Threading::kPlan;
  return choice;
}

}  // namespace ramiel::cli
