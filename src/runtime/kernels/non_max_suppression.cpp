/// \file
/// NonMaxSuppression: per batch and class, boxes in decreasing score order (ties: lower index
/// first) are kept unless they overlap a kept box by more than iou_threshold; output [k, 3] int64
/// (batch, class, box), always dynamic.

#include <algorithm>
#include <numeric>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

struct Box {
  float y1, x1, y2, x2;
};

float iou(const Box& a, const Box& b) {
  const float area_a = (a.y2 - a.y1) * (a.x2 - a.x1), area_b = (b.y2 - b.y1) * (b.x2 - b.x1);
  if (area_a <= 0 || area_b <= 0) return 0;
  const float h = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  const float w = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  const float inter = h * w;
  return inter / (area_a + area_b - inter);
}

class NmsKernel final : public Kernel {
 public:
  NmsKernel(int64_t batches, int64_t classes, int64_t boxes, bool center) : batches_(batches), classes_(classes), boxes_(boxes), center_(center) {
    TensorInfo out{ir::DataType::kInt64, {}};
    out.dynamic = true;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const float* raw = inputs[0].data<float>();
    const float* scores = inputs[1].data<float>();
    auto scalar = [&](size_t i, double fallback) { return inputs.size() > i && inputs[i].raw() && inputs[i].size() > 0 ? element_as<double>(inputs[i], 0) : fallback; };
    const auto max_out = static_cast<int64_t>(scalar(2, 0));
    const auto iou_threshold = static_cast<float>(scalar(3, 0));
    const bool has_score_threshold = inputs.size() > 4 && inputs[4].raw() && inputs[4].size() > 0;
    const auto score_threshold = static_cast<float>(scalar(4, 0));
    std::vector<int64_t> selected;
    std::vector<Box> boxes(static_cast<size_t>(boxes_));
    std::vector<int64_t> order, kept;
    for (int64_t b = 0; b < batches_; ++b) {
      for (int64_t i = 0; i < boxes_; ++i) {
        const float* r = raw + (b * boxes_ + i) * 4;
        Box& box = boxes[static_cast<size_t>(i)];
        if (center_) box = {r[1] - r[3] / 2, r[0] - r[2] / 2, r[1] + r[3] / 2, r[0] + r[2] / 2};
        else box = {std::min(r[0], r[2]), std::min(r[1], r[3]), std::max(r[0], r[2]), std::max(r[1], r[3])};
      }
      for (int64_t c = 0; c < classes_; ++c) {
        const float* s = scores + (b * classes_ + c) * boxes_;
        order.clear();
        for (int64_t i = 0; i < boxes_; ++i)
          if (!has_score_threshold || s[i] > score_threshold) order.push_back(i);
        std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
        kept.clear();
        for (int64_t i : order) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          bool keep = true;
          for (int64_t k : kept) keep = keep && iou(boxes[static_cast<size_t>(i)], boxes[static_cast<size_t>(k)]) <= iou_threshold;
          if (keep) {
            kept.push_back(i);
            selected.insert(selected.end(), {b, c, i});
          }
        }
      }
    }
    outputs[0] = ir::Tensor::from(ir::DataType::kInt64, {static_cast<int64_t>(selected.size() / 3), 3}, selected);
  }

 private:
  int64_t batches_, classes_, boxes_;
  bool center_;
};

}  // namespace

/// NonMaxSuppression: indices of the boxes kept for each batch and class.
std::unique_ptr<Kernel> create_non_max_suppression_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kInt64}, create_non_max_suppression_kernel)) return deferred;
  check_input_count(init, 2, 5);
  const ir::Dims& boxes = init.inputs[0].dims;
  const ir::Dims& scores = init.inputs[1].dims;
  if (init.inputs[0].dtype != ir::DataType::kFloat32 || init.inputs[1].dtype != ir::DataType::kFloat32) throw_unsupported(init, "only float boxes and scores are supported");
  if (boxes.size() != 3 || boxes[2] != 4 || scores.size() != 3 || scores[0] != boxes[0] || scores[2] != boxes[1]) {
    throw_invalid(init, "boxes must be [B, N, 4] and scores [B, C, N]");
  }
  return std::make_unique<NmsKernel>(boxes[0], scores[1], boxes[1], init.node.attr_int("center_point_box", 0) != 0);
}

}  // namespace ramiel::runtime
