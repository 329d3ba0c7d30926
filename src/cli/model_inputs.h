#pragma once
/// \file
/// Inputs for the commands that run a model (`run`, `bench`): test_data_set folders and random
/// tensors of the right dtypes and dims.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor_proto.h"
#include "runtime/session.h"

namespace ramiel::cli {

/// Reads DIR/PREFIX_0.pb, DIR/PREFIX_1.pb, ... until the first missing index. Throws kIo if
/// DIR is not a folder or has no PREFIX_0.pb.
std::vector<ir::NamedTensor> load_numbered_tensors(const std::string& dir, const std::string& prefix);

/// Orders `tensors` as the graph's inputs: by name when every name matches a graph input, else by
/// position. Throws kInvalidArgument for a wrong count.
std::vector<ir::Tensor> order_as_graph_inputs(const ir::Graph& graph, const std::vector<ir::NamedTensor>& tensors);

/// Concrete dims for graph inputs with symbolic dims: taken from `given` when present (one per
/// input, in order), else each symbolic dim becomes 1.
std::map<std::string, ir::Dims> concrete_input_dims(const ir::Graph& graph, const std::vector<ir::Tensor>* given);

/// A random tensor: floats ~ N(0,1), integers uniform in [0, 2), bools fair; `seed` fixes it.
ir::Tensor random_tensor(ir::DataType dtype, const ir::Dims& dims, uint64_t seed);

/// The `--layout` flag's values.
inline constexpr const char* kLayoutChoices = "auto, plain, nhwc, nChw8c, nChw16c";

/// Session options for `--layout NAME` (see kLayoutChoices); throws kInvalidArgument otherwise.
runtime::SessionOptions session_options_for_layout(const std::string& name);

}  // namespace ramiel::cli
