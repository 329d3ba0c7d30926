// The costs file `ramiel profile` writes: node and slice costs and the calibration round-trip;
// a missing or malformed file is one ramiel::Error naming the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cost/measured_costs.h"
#include "ramiel/error.h"

namespace ramiel::cost {
namespace {

std::string temp_file(const std::string& name, const std::string& text = "") {
  std::string path = (std::filesystem::temp_directory_path() / ("ramiel_costs_" + std::to_string(::getpid()) + "_" + name)).string();
  if (!text.empty()) std::ofstream(path) << text;
  return path;
}

TEST(MeasuredCosts, RoundTripWithSliceCosts) {
  MeasuredCosts c;
  c.model = "m.onnx";
  c.machine = "cpu";
  c.runs = 7;
  c.node_ms = {{"conv", 2.5}, {"relu", 0.25}};
  c.slice_ms = {{"conv", {{2, 1.5}, {4, 0.875}}}};
  MachineModel mm;
  mm.gflops = 33;
  c.calibrated = mm;
  const std::string path = temp_file("roundtrip.json");
  save_measured_costs(c, path);
  MeasuredCosts back = load_measured_costs(path);
  EXPECT_EQ(back.model, "m.onnx");
  EXPECT_EQ(back.runs, 7);
  EXPECT_EQ(back.node_ms, c.node_ms);
  EXPECT_EQ(back.slice_ms, c.slice_ms);
  ASSERT_TRUE(back.calibrated);
  EXPECT_DOUBLE_EQ(back.calibrated->gflops, 33);
  std::filesystem::remove(path);
}

TEST(MeasuredCosts, MissingAndMalformedFilesAreErrors) {
  auto kind_of = [](const std::string& path) {
    try {
      load_measured_costs(path);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      return e.kind();
    }
    ADD_FAILURE() << path << " loaded";
    return ErrorKind::kInternal;
  };
  EXPECT_EQ(kind_of(temp_file("absent.json")), ErrorKind::kIo);
  const std::string cases[] = {
      "{not json",
      R"({"runs": 1})",                                                   // no node_ms
      R"({"node_ms": {"a": 1}, "slice_ms": {"a": {"two": 0.5}}})",        // slice count not a number
      R"({"node_ms": {"a": 1}, "slice_ms": {"a": {"1": 0.5}}})",          // one slice is no split
      R"({"node_ms": {"a": 1}, "slice_ms": {"a": {"2": "fast"}}})",       // not a time
  };
  int i = 0;
  for (const std::string& text : cases) {
    const std::string path = temp_file("bad" + std::to_string(i++) + ".json", text);
    EXPECT_EQ(kind_of(path), ErrorKind::kInvalidArgument) << text;
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace ramiel::cost
