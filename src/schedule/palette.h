#pragma once
/// \file
/// Colours shared by the Gantt chart and the DOT rendering.

#include <cstddef>
#include <string>

namespace ramiel::schedule {

/// The i-th colour of a 12-colour categorical palette (ColorBrewer Set3-like, readable with dark
/// text), as "#rrggbb"; wraps around after 12.
inline std::string categorical_color(size_t i) {
  static const char* const kColors[] = {"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                                        "#b3de69", "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f", "#d9d9d9"};
  return kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
}

}  // namespace ramiel::schedule
