#pragma once
/// \file
/// The one table from operator type to kernel factory. The table itself is kernels.def.

#include <string>
#include <string_view>
#include <vector>

#include "runtime/kernel.h"

namespace ramiel::runtime {

/// Factory for `op_type` in `domain` ("" = ai.onnx), or nullptr if ramiel has no kernel for it.
KernelFactory find_kernel(std::string_view op_type, std::string_view domain);

/// Every operator type with a kernel, sorted.
std::vector<std::string> supported_operators();

}  // namespace ramiel::runtime
