#pragma once
/// \file
/// Importing an ONNX model file into the graph IR, and writing a graph back out as ONNX.

#include <string>

#include "ir/graph.h"

namespace ramiel::ir {

/// Choices for import; the defaults are what the CLI uses.
struct ImportOptions {
  bool run_checker = true;   ///< Run onnx::checker::check_model and reject models it rejects.
  bool infer_shapes = true;  ///< Run ONNX shape inference (with data propagation) before building the IR.
};

/// Reads, validates and converts `path`. Every failure is a ramiel::Error with a one-line message:
/// kIo (missing/unreadable), kInvalidModel (not ONNX, truncated, checker, cycle, dangling input).
Graph import_onnx_file(const std::string& path, const ImportOptions& options = {});

/// Parses an in-memory serialized ModelProto; `base_dir` resolves external data.
Graph import_onnx_bytes(const std::string& bytes, const std::string& base_dir = "",
                        const ImportOptions& options = {});

/// Writes `graph` as an ONNX model (constants become initializers). Throws kIo on failure.
void export_onnx_file(const Graph& graph, const std::string& path);

}  // namespace ramiel::ir
