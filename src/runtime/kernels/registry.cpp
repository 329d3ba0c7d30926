#include "runtime/kernels/registry.h"

#include <algorithm>
#include <unordered_map>

namespace ramiel::runtime {

// Each factory is defined in its own kernel file.
#define RAMIEL_KERNEL(op, factory) std::unique_ptr<Kernel> factory(const KernelInit& init);
#include "runtime/kernels/kernels.def"
#undef RAMIEL_KERNEL

namespace {

const std::unordered_map<std::string_view, KernelFactory>& table() {
  static const std::unordered_map<std::string_view, KernelFactory> t = {
#define RAMIEL_KERNEL(op, factory) {#op, &factory},
#include "runtime/kernels/kernels.def"
#undef RAMIEL_KERNEL
  };
  return t;
}

}  // namespace

KernelFactory find_kernel(std::string_view op_type, std::string_view domain) {
  if (!domain.empty() && domain != "ai.onnx") return nullptr;
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : it->second;
}

std::vector<std::string> supported_operators() {
  std::vector<std::string> ops;
  for (const auto& [op, factory] : table()) ops.emplace_back(op);
  std::sort(ops.begin(), ops.end());
  return ops;
}

}  // namespace ramiel::runtime
