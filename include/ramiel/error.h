#pragma once
/// \file
/// The one error type ramiel throws across module boundaries.

#include <stdexcept>
#include <string>
#include <string_view>

namespace ramiel {

/// What class of problem an Error reports; the CLI maps every kind to a non-zero exit.
enum class ErrorKind {
  kIo,               ///< A file is missing, unreadable or unwritable.
  kInvalidModel,     ///< The model is malformed: not ONNX, fails the checker, has a cycle...
  kUnsupported,      ///< A valid model uses something ramiel does not implement.
  kInvalidArgument,  ///< A caller passed a bad flag, shape, dtype or value.
  kInternal,         ///< A broken invariant inside ramiel.
};

/// Short lowercase name of an ErrorKind ("io", "invalid model", ...).
std::string_view to_string(ErrorKind kind);

/// Exception carrying a kind and a one-line, human-readable message.
class Error : public std::runtime_error {
 public:
  /// Creates an error of `kind` with a one-line `message`.
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  /// The class of problem.
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace ramiel
