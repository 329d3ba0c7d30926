#pragma once
// Locating the generated model zoo (models/cache/NAME) from tests.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace ramiel::testing {

/// The six zoo models, in the order the README lists them.
inline const std::vector<std::string>& zoo_models() {
  static const std::vector<std::string> names = {"squeezenet1_0", "googlenet", "inception_v3",
                                                 "resnet50",      "mobilenet_v2", "bert"};
  return names;
}

/// Folder of zoo model `name` (models/cache/NAME under the source tree).
inline std::filesystem::path zoo_dir(const std::string& name) {
  const char* src = std::getenv("RAMIEL_SOURCE_DIR");
  return std::filesystem::path(src ? src : RAMIEL_TEST_SOURCE_DIR) / "models" / "cache" / name;
}

/// True when the model and its reference case exist (scripts/zoo.sh generates them).
inline bool zoo_available(const std::string& name) {
  return std::filesystem::exists(zoo_dir(name) / "model.onnx") &&
         std::filesystem::exists(zoo_dir(name) / "test_data_set_0" / "output_0.pb");
}

}  // namespace ramiel::testing
