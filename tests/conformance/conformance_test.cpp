// ONNX's node conformance suite (Debian's libonnx-testdata): every case whose operators all have
// kernels must pass, except the cases listed with a reason in skipped.txt. Prints passed / failed /
// unsupported counts and per-operator coverage. Environment: RAMIEL_CONFORMANCE_FILTER=substring
// runs only matching cases; RAMIEL_CONFORMANCE_REPORT=path also writes the report to a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "conformance/runner.h"

namespace ramiel::conformance {
namespace {

std::filesystem::path source_dir() {
  const char* s = std::getenv("RAMIEL_SOURCE_DIR");
  return s ? std::filesystem::path(s) : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

struct OpCount {
  int cases = 0, passed = 0, failed = 0, unsupported = 0, skipped = 0;
};

TEST(Conformance, EverySupportedNodeCasePasses) {
  ASSERT_TRUE(std::filesystem::is_directory(kNodeCasesDir)) << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const auto skips = read_skip_list(source_dir() / "tests/conformance/skipped.txt");
  const char* filter = std::getenv("RAMIEL_CONFORMANCE_FILTER");

  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(kNodeCasesDir)) {
    if (entry.is_directory() && (!filter || entry.path().filename().string().find(filter) != std::string::npos)) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());

  std::vector<CaseResult> results;
  std::map<Status, int> counts;
  std::map<std::string, OpCount> per_op;
  for (const auto& dir : dirs) {
    CaseResult r = run_case(dir);
    auto skip = skips.find(r.name);
    if (skip != skips.end()) {
      // A skipped case that now passes should leave the list.
      EXPECT_NE(r.status, Status::kPassed) << r.name << " passes: remove it from tests/conformance/skipped.txt";
      r.status = Status::kSkipped;
      r.detail = skip->second;
    }
    ++counts[r.status];
    for (const auto& op : r.ops) {
      OpCount& c = per_op[op];
      ++c.cases;
      switch (r.status) {
        case Status::kPassed: ++c.passed; break;
        case Status::kFailed: ++c.failed; break;
        case Status::kUnsupported: ++c.unsupported; break;
        case Status::kSkipped: ++c.skipped; break;
      }
    }
    if (r.status == Status::kFailed) ADD_FAILURE() << r.name << ": " << r.detail;
    results.push_back(std::move(r));
  }
  for (const auto& [name, reason] : skips) {
    bool found = false;
    for (const auto& r : results) found = found || r.name == name;
    if (!filter) {
      EXPECT_TRUE(found) << "skipped.txt names unknown case " << name;
    }
  }

  std::ostringstream report;
  report << "conformance: " << results.size() << " cases: " << counts[Status::kPassed] << " passed, " << counts[Status::kFailed]
         << " failed, " << counts[Status::kUnsupported] << " unsupported, " << counts[Status::kSkipped] << " skipped\n";
  report << "\nper operator (cases: passed / failed / unsupported / skipped):\n";
  for (const auto& [op, c] : per_op) {
    report << "  " << std::left << std::setw(34) << op << std::right << std::setw(4) << c.cases << ": " << std::setw(3) << c.passed
           << " / " << std::setw(3) << c.failed << " / " << std::setw(3) << c.unsupported << " / " << std::setw(3) << c.skipped << "\n";
  }
  for (Status s : {Status::kFailed, Status::kSkipped, Status::kUnsupported}) {
    report << "\n" << to_string(s) << ":\n";
    for (const auto& r : results) {
      if (r.status == s) report << "  " << r.name << ": " << r.detail << "\n";
    }
  }
  std::cout << report.str();
  if (const char* path = std::getenv("RAMIEL_CONFORMANCE_REPORT")) std::ofstream(path) << report.str();
}

}  // namespace
}  // namespace ramiel::conformance

namespace ramiel::conformance {
namespace {

// Pruning must not change any result: every case that passes as imported passes after the pruning
// pipeline too (constant folding with the runtime's kernels, identity elimination, DCE).
TEST(Conformance, PruningKeepsEveryPassingCasePassing) {
  ASSERT_TRUE(std::filesystem::is_directory(kNodeCasesDir));
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kNodeCasesDir)) {
    if (!entry.is_directory()) continue;
    CaseResult plain = run_case(entry.path());
    if (plain.status != Status::kPassed) continue;
    CaseResult pruned = run_case(entry.path(), /*prune=*/true);
    EXPECT_EQ(pruned.status, Status::kPassed) << plain.name << " after pruning: " << pruned.detail;
    ++compared;
  }
  EXPECT_GT(compared, 800);
}

}  // namespace
}  // namespace ramiel::conformance
