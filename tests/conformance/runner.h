#pragma once
/// \file
/// Runs one case of ONNX's node conformance suite (a folder with model.onnx and
/// test_data_set_0/{input,output}_N.pb) through a ramiel Session and compares the outputs with
/// ONNX's backend-test tolerances.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ramiel::conformance {

/// Where Debian's libonnx-testdata installs the node cases.
inline constexpr const char* kNodeCasesDir = "/usr/share/libonnx-testdata/data/node";

/// ONNX backend test tolerances: |actual - expected| <= kAtol + kRtol * |expected|.
inline constexpr double kRtol = 1e-3;
/// Absolute tolerance (see kRtol).
inline constexpr double kAtol = 1e-7;

/// How a case ended.
enum class Status {
  kPassed,       ///< Every output matched.
  kFailed,       ///< Ran (or should have) and gave a wrong result or an unexpected error.
  kUnsupported,  ///< An operator has no kernel, a kernel refused the node, or the data is not a plain tensor.
  kSkipped,      ///< Listed in skipped.txt (not run).
};

/// Outcome of one case.
struct CaseResult {
  std::string name;               ///< Folder name, e.g. "test_add_bcast".
  Status status = Status::kFailed;  ///< Outcome.
  std::vector<std::string> ops;   ///< Distinct operator types of the model, sorted.
  std::string detail;             ///< Why it failed / is unsupported / is skipped.
};

/// Imports, runs and checks the case in `dir`; with `prune`, the pruning pipeline (constant folding,
/// identity elimination, DCE) runs on the graph first.
CaseResult run_case(const std::filesystem::path& dir, bool prune = false);

/// Reads a skip list: one `case_name  reason` per line; '#' starts a comment. Returns name -> reason.
std::map<std::string, std::string> read_skip_list(const std::filesystem::path& path);

/// Lower-case name of a status.
const char* to_string(Status status);

}  // namespace ramiel::conformance
