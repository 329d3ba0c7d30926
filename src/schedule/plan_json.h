#pragma once
/// \file
/// The JSON form of a Plan, read and written by every tool that exchanges plans.
///
/// \code{.json}
/// {"format": "ramiel-plan", "version": 1,
///  "workers": [{"steps": [{"node": 0}, {"node": 3, "kind": "clone"},
///                         {"node": 5, "kind": "slice", "slice": 0, "of": 2}]}, ...],
///  "dependencies": [{"producer": 0, "values": [4], "bytes": 4096,
///                    "from": [0, 0], "to": [1, 2]}, ...]}
/// \endcode
/// "kind" defaults to "run"; "from"/"to" are [worker, step].

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "schedule/plan.h"

namespace ramiel::schedule {

/// The plan as a JSON object.
nlohmann::json plan_to_json(const Plan& plan);

/// Reads a plan from JSON. Throws kInvalidArgument on a malformed document (it does not check the
/// plan against a graph: use validate() for that).
Plan plan_from_json(const nlohmann::json& json);

/// Writes `plan` to `path` as JSON. Throws kIo if the file cannot be written.
void write_plan_file(const Plan& plan, const std::string& path);

/// Reads a plan from the JSON file `path`. Throws kIo if it cannot be read, kInvalidArgument if malformed.
Plan read_plan_file(const std::string& path);

}  // namespace ramiel::schedule
