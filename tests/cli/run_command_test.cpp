// `ramiel run` and `ramiel bench`: random inputs, --inputs/--check folders, the diff summary on a
// mismatch (non-zero exit), one-line errors for wrong input shapes and dtypes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ir/tensor_proto.h"
#include "support/cli_runner.h"
#include "support/onnx_builder.h"

namespace ramiel {
namespace {

using namespace ramiel::testing;

class RunCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ramiel_run_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "case");
    // y = Relu(x) * 2 on x [2, 3].
    auto m = empty_model();
    add_float_info(m.mutable_graph()->mutable_input(), "x", {2, 3});
    add_float_info(m.mutable_graph()->mutable_output(), "y", {2, 3});
    auto* two = m.mutable_graph()->add_initializer();
    two->set_name("two");
    two->set_data_type(onnx::TensorProto::FLOAT);
    two->add_float_data(2.0f);
    add_node(m, "Relu", {"x"}, {"h"}, "relu");
    add_node(m, "Mul", {"h", "two"}, {"y"}, "mul");
    model_ = (dir_ / "model.onnx").string();
    std::ofstream(model_, std::ios::binary) << bytes_of(m);
    ir::save_tensor_file((dir_ / "case" / "input_0.pb").string(), "x",
                         ir::Tensor::from(ir::DataType::kFloat32, {2, 3}, std::vector<float>{-1, 2, -3, 4, 5, -6}));
    ir::save_tensor_file((dir_ / "case" / "output_0.pb").string(), "y",
                         ir::Tensor::from(ir::DataType::kFloat32, {2, 3}, std::vector<float>{0, 4, 0, 8, 10, 0}));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }

  std::filesystem::path dir_;
  std::string model_;
};

TEST_F(RunCommand, RandomInputsPrintLatency) {
  CliResult r = run_cli("run " + model_ + " --repeat 3");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("latency"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over 3 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output 'y': float [2,3]"), std::string::npos) << r.out;
}

TEST_F(RunCommand, CheckPasses) {
  CliResult r = run_cli("run " + model_ + " --check " + path("case"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("check        OK"), std::string::npos) << r.out;
}

TEST_F(RunCommand, CheckMismatchGivesSummaryAndNonZeroExit) {
  std::filesystem::create_directories(dir_ / "bad");
  std::filesystem::copy_file(dir_ / "case" / "input_0.pb", dir_ / "bad" / "input_0.pb");
  ir::save_tensor_file(path("bad/output_0.pb"), "y",
                       ir::Tensor::from(ir::DataType::kFloat32, {2, 3}, std::vector<float>{0, 4, 0, 8.5f, 10, 1}));
  CliResult r = run_cli("run " + model_ + " --check " + path("bad"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("MISMATCH: 2 of 6 elements differ"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("max_abs_diff=1 at [1,2]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("at [1,0]: got 8, expected 8.5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;
  // A loose tolerance accepts it.
  EXPECT_EQ(run_cli("run " + model_ + " --check " + path("bad") + " --atol 1.5").exit_code, 0);
}

TEST_F(RunCommand, WrongInputShapeOrTypeIsOneLine) {
  std::filesystem::create_directories(dir_ / "shape");
  ir::save_tensor_file(path("shape/input_0.pb"), "x", ir::Tensor(ir::DataType::kFloat32, {3, 2}));
  CliResult r = run_cli("run " + model_ + " --inputs " + path("shape"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("input 'x': expected float [2,3], got float [3,2]"), std::string::npos) << r.err;

  std::filesystem::create_directories(dir_ / "type");
  ir::save_tensor_file(path("type/input_0.pb"), "x", ir::Tensor(ir::DataType::kInt64, {2, 3}));
  r = run_cli("run " + model_ + " --inputs " + path("type"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("got int64 [2,3]"), std::string::npos) << r.err;
}

TEST_F(RunCommand, MissingFolderAndBadLayout) {
  CliResult r = run_cli("run " + model_ + " --check " + path("nowhere"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a folder"), std::string::npos) << r.err;
  r = run_cli("run " + model_ + " --layout sideways");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layout sideways"), std::string::npos) << r.err;
}

TEST_F(RunCommand, ThreadingIsChosenOrForcedAndChecked) {
  CliResult r = run_cli("run " + model_ + " --threads 2 --check " + path("case"));  // auto: times both, keeps one
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("threading    "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(auto, medians of"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check        OK"), std::string::npos) << r.out;
  for (const char* forced : {"plan", "onednn"}) {
    r = run_cli("run " + model_ + " --threads 2 --threading " + forced + " --check " + path("case"));
    EXPECT_EQ(r.exit_code, 0) << forced << ": " << r.out << r.err;
    EXPECT_EQ(r.out.find("(auto, medians of"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("check        OK"), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("OpenMP threads"), std::string::npos) << r.out;  // the last one ran on oneDNN's threads
  r = run_cli("run " + model_ + " --threads 2 --threading sideways");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--threading must be one of auto, plan, onednn, got 'sideways'"), std::string::npos) << r.err;
  r = run_cli("run " + model_ + " --threads 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--threads must be at least 1"), std::string::npos) << r.err;
}

TEST_F(RunCommand, TraceIsChromeTraceJson) {
  CliResult r = run_cli("run " + model_ + " --threads 2 --threading plan --trace " + path("trace.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("trace        "), std::string::npos) << r.out;
  std::ifstream in(path("trace.json"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"traceEvents\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"name\":\"relu"), std::string::npos) << text;  // the graph's nodes, by name
  EXPECT_NE(text.find("\"ph\":\"X\""), std::string::npos) << text;
  r = run_cli("run " + model_ + " --trace " + path("no/such/folder/trace.json"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot write the trace"), std::string::npos) << r.err;
}

TEST_F(RunCommand, BenchPrintsMedianAndJson) {
  CliResult r = run_cli("bench " + model_ + " --threads 1 --repeat 5");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("median"), std::string::npos) << r.out;
  r = run_cli("bench " + model_ + " --repeat 3 --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("_ms\":"), std::string::npos) << r.out;  // the serial median in ms
  EXPECT_NE(r.out.find("\"runs\":3"), std::string::npos) << r.out;
  r = run_cli("bench " + model_ + " --threads 2 --repeat 3 --json");  // both ways of threading, and which won
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"omp_ms\":"), std::string::npos) << r.out;
  EXPECT_TRUE(r.out.find("\"threading\":\"plan\"") != std::string::npos || r.out.find("\"threading\":\"onednn\"") != std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace ramiel
