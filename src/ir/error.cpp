#include "ramiel/error.h"

namespace ramiel {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kIo: return "io";
    case ErrorKind::kInvalidModel: return "invalid model";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace ramiel
