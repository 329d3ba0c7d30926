// Every model of ONNX's own conformance suite (Debian's libonnx-testdata) must import and analyse.
#include <gtest/gtest.h>

#include <filesystem>

#include "cost/analysis.h"
#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "ramiel/error.h"

namespace ramiel {
namespace {

const char* kNodeTests = "/usr/share/libonnx-testdata/data/node";

TEST(TestdataImport, EveryNodeTestModelImportsAndAnalyses) {
  ASSERT_TRUE(std::filesystem::is_directory(kNodeTests)) << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  int imported = 0, with_subgraph = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::directory_iterator(kNodeTests)) {
    std::string path = (entry.path() / "model.onnx").string();
    try {
      ir::Graph g = ir::import_onnx_file(path);
      cost::Analysis a = cost::analyze(g, cost::analytic_times_ms(g));
      EXPECT_EQ(a.nodes, g.live_node_count());
      EXPECT_GE(a.work_ms, a.critical_path_ms - 1e-12);
      for (const ir::Node& n : g.nodes()) with_subgraph += n.has_subgraph ? 1 : 0;
      ++imported;
    } catch (const Error& e) {
      failures.push_back(entry.path().filename().string() + ": " + e.what());
    }
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(imported, 932);
  EXPECT_GT(with_subgraph, 0) << "the suite has If/Loop/Scan cases; they must import as opaque nodes";
}

}  // namespace
}  // namespace ramiel
