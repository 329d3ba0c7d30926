// slice_cost_fn_for: what the hybrid scheduler is told a slice costs, from a profile (measured
// counts exact, counts between scaled from the one below, counts beyond the profile only when the
// largest profiled count split) or from the analytic model (splittable operators only).
#include <gtest/gtest.h>

#include "cli/model_loading.h"
#include "cli/profiling.h"
#include "support/graph_builder.h"

namespace ramiel::cli {
namespace {

LoadedModel two_node_model() {
  LoadedModel m;
  m.graph = testing::GraphBuilder().input("x", {1, 8}).node("conv", "Conv", {"x"}, {"y"}).node("flip", "Transpose", {"y"}, {"z"}).output("z").build();
  m.node_ms = {8.0, 1.0};
  return m;
}

TEST(SliceCosts, MeasuredCountsScaledAndExtrapolated) {
  LoadedModel m = two_node_model();
  const int largest = kProfiledSliceCounts.back();
  m.slice_ms = {{{2, 5.0}, {largest, 3.0}}, {}};
  schedule::SliceCostFn fn = slice_cost_fn_for(m);
  EXPECT_DOUBLE_EQ(fn(0, 2), 5.0);
  EXPECT_DOUBLE_EQ(fn(0, largest), 3.0);
  if (largest > 3) {
    EXPECT_DOUBLE_EQ(fn(0, 3), 5.0 * 2 / 3);  // between: scaled from the count below
  }
  EXPECT_DOUBLE_EQ(fn(0, 2 * largest), 3.0 / 2);                // beyond: scaled from the largest
  EXPECT_LT(fn(0, 1), 0);                                       // one slice is no split
  EXPECT_LT(fn(1, 2), 0);                                       // never measured split
  m.slice_ms[0] = {{2, 5.0}};                                   // did not split `largest` ways
  EXPECT_LT(slice_cost_fn_for(m)(0, 2 * largest), 0);
}

TEST(SliceCosts, AnalyticOnlyForSplittableOperators) {
  LoadedModel m = two_node_model();  // no slice_ms: analytic costs
  schedule::SliceCostFn fn = slice_cost_fn_for(m);
  EXPECT_NEAR(fn(0, 2), 8.0 / 2 * 1.15, 1e-12);
  EXPECT_LT(fn(1, 2), 0);  // Transpose does not split
  EXPECT_LT(fn(0, 1), 0);
}

TEST(SliceCosts, RemeasuredWhileTheKeptRatioLooksBusyAndMeasurementsAreLeft) {
  cost::MeasuredCosts c;
  EXPECT_FALSE(slice_costs_need_remeasuring(c));  // no side-by-side slices measured
  c.slice_measurements = 1;
  c.slice_ratio = {{2, kPlausibleSliceRatio - 0.05}};
  EXPECT_FALSE(slice_costs_need_remeasuring(c));
  c.slice_ratio[2] = kPlausibleSliceRatio + 0.05;
  EXPECT_TRUE(slice_costs_need_remeasuring(c));
  c.slice_ratio = {{2, kPlausibleSliceRatio - 0.05}, {4, kPlausibleSliceRatio * 2 / 4 + 0.05}};  // 4-way: 2/4 of the limit
  EXPECT_TRUE(slice_costs_need_remeasuring(c));
  c.slice_measurements = kMaxSliceMeasurements;
  EXPECT_FALSE(slice_costs_need_remeasuring(c));
}

}  // namespace
}  // namespace ramiel::cli
