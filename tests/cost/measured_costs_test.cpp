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
  c.slice_ratio = {{2, 0.6}};
  c.slice_measurements = 2;
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
  EXPECT_EQ(back.slice_ratio, c.slice_ratio);
  EXPECT_EQ(back.slice_measurements, 2);
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
      R"({"node_ms": {"a": 1}, "slice_ratio": {"x": 0.5}})",              // ratio of no slice count
  };
  int i = 0;
  for (const std::string& text : cases) {
    const std::string path = temp_file("bad" + std::to_string(i++) + ".json", text);
    EXPECT_EQ(kind_of(path), ErrorKind::kInvalidArgument) << text;
    std::filesystem::remove(path);
  }
}

TEST(MeasuredCosts, SliceRatioWeighsNodesByTime) {
  MeasuredCosts c;
  c.node_ms = {{"a", 4.0}, {"b", 2.0}, {"c", 1.0}, {"free", 0.0}};
  c.slice_ms = {{"a", {{2, 2.4}}}, {"b", {{2, 1.0}, {4, 0.6}}}, {"c", {{2, 0.9}}}, {"free", {{2, 0.1}}}, {"gone", {{2, 5.0}}}};
  // (2.4 + 1.0 + 0.9) / (4 + 2 + 1): "free" costs nothing whole, "gone" has no whole cost.
  EXPECT_DOUBLE_EQ(slice_ratio(c, 2), 4.3 / 7.0);
  EXPECT_DOUBLE_EQ(slice_ratio(c, 4), 0.3);
  EXPECT_DOUBLE_EQ(slice_ratio(c, 8), 0.0);
}

TEST(MeasuredCosts, KeepsTheSliceMeasurementWithTheLowerRatio) {
  MeasuredCosts c;
  c.node_ms = {{"a", 4.0}, {"b", 2.0}};
  c.slice_ms = {{"b", {{4, 0.6}}}};
  EXPECT_TRUE(keep_lower_slice_ratio(c, 2, {{"a", 3.8}, {"b", 1.9}}));  // busy machine: ratio 5.7 / 6
  EXPECT_DOUBLE_EQ(c.slice_ratio.at(2), 0.95);
  EXPECT_TRUE(keep_lower_slice_ratio(c, 2, {{"a", 2.2}}));  // quieter: 0.55, and b no longer split 2 ways
  EXPECT_DOUBLE_EQ(c.slice_ratio.at(2), 0.55);
  EXPECT_DOUBLE_EQ(c.slice_ms.at("a").at(2), 2.2);
  EXPECT_EQ(c.slice_ms.at("b").count(2), 0u);
  EXPECT_DOUBLE_EQ(c.slice_ms.at("b").at(4), 0.6);  // other counts untouched
  EXPECT_FALSE(keep_lower_slice_ratio(c, 2, {{"a", 3.0}, {"b", 1.5}}));  // worse again: 0.75
  EXPECT_DOUBLE_EQ(c.slice_ms.at("a").at(2), 2.2);
  EXPECT_DOUBLE_EQ(c.slice_ratio.at(2), 0.55);
}

}  // namespace
}  // namespace ramiel::cost
