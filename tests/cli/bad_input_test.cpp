// Every class of bad input gets one line "ramiel: error: ..." and a non-zero exit, never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/cli_runner.h"
#include "support/onnx_builder.h"

namespace ramiel {
namespace {

using namespace ramiel::testing;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ramiel_cli_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static onnx::ModelProto good_model() {
    auto m = empty_model();
    add_float_info(m.mutable_graph()->mutable_input(), "x", {1, 4});
    add_float_info(m.mutable_graph()->mutable_output(), "y", {1, 4});
    add_node(m, "Relu", {"x"}, {"h"}, "relu");
    add_node(m, "Sigmoid", {"h"}, {"y"}, "sigmoid");
    return m;
  }

  /// Expects a one-line error containing `text` and a non-zero exit that is not a crash.
  static void expect_one_line_error(const CliResult& r, const std::string& text) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_LT(r.exit_code, 128) << "killed by a signal: " << r.err;
    EXPECT_EQ(r.err.rfind("ramiel: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  }

  std::filesystem::path dir_;
};

TEST_F(BadInput, GoodModelWorks) {
  CliResult r = run_cli("info " + write("good.onnx", bytes_of(good_model())));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("W/CP"), std::string::npos);
}

TEST_F(BadInput, MissingFile) { expect_one_line_error(run_cli("info /nonexistent/model.onnx"), "does not exist"); }

TEST_F(BadInput, TruncatedFile) {
  std::string bytes = bytes_of(good_model());
  expect_one_line_error(run_cli("info " + write("t.onnx", bytes.substr(0, bytes.size() - 7))), "not an ONNX model");
}

TEST_F(BadInput, NotOnnx) {
  expect_one_line_error(run_cli("info " + write("text.onnx", "hello, I am a text file\n")), "not an ONNX model");
  expect_one_line_error(run_cli("info " + write("empty.onnx", "")), "empty");
}

TEST_F(BadInput, CheckerFailure) {
  auto m = good_model();
  m.mutable_graph()->mutable_node(1)->set_op_type("Sigmoidd");
  expect_one_line_error(run_cli("info " + write("bad_op.onnx", bytes_of(m))), "checker");
}

TEST_F(BadInput, Cycle) {
  auto m = good_model();
  m.mutable_graph()->mutable_node(0)->set_input(0, "y");
  expect_one_line_error(run_cli("info " + write("cycle.onnx", bytes_of(m))), "cycle");
}

TEST_F(BadInput, DanglingInput) {
  auto m = good_model();
  m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  expect_one_line_error(run_cli("info " + write("dangling.onnx", bytes_of(m))), "nowhere");
}

TEST_F(BadInput, BadFlagsAndCommands) {
  std::string model = write("good.onnx", bytes_of(good_model()));
  expect_one_line_error(run_cli("info " + model + " --no-such-flag"), "--no-such-flag");
  expect_one_line_error(run_cli("frobnicate " + model), "frobnicate");
  expect_one_line_error(run_cli(""), "");
  expect_one_line_error(run_cli("dot " + model), "--output");
  expect_one_line_error(run_cli("dot " + model + " -o /nonexistent/dir/x.dot"), "cannot write");
}

TEST_F(BadInput, DirectoryInsteadOfFile) { expect_one_line_error(run_cli("info " + dir_.string()), "directory"); }

TEST_F(BadInput, DotAndJsonOutputs) {
  std::string model = write("good.onnx", bytes_of(good_model()));
  std::string dot = (dir_ / "g.dot").string();
  CliResult r = run_cli("dot " + model + " -o " + dot);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dot);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("digraph"), std::string::npos);
  EXPECT_NE(text.find("color=red"), std::string::npos) << "critical path must be highlighted";
  CliResult j = run_cli("info " + model + " --json");
  ASSERT_EQ(j.exit_code, 0);
  for (const char* key : {"\"nodes\"", "\"edges\"", "\"ops\"", "\"work_ms\"", "\"critical_path_ms\"", "\"parallelism\""}) {
    EXPECT_NE(j.out.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace ramiel
