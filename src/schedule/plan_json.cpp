#include "schedule/plan_json.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "ramiel/error.h"

namespace ramiel::schedule {

namespace {

constexpr const char* kFormat = "ramiel-plan";
constexpr int kVersion = 1;

StepKind parse_kind(const std::string& name) {
  if (name == "run") return StepKind::kRun;
  if (name == "clone") return StepKind::kClone;
  if (name == "slice") return StepKind::kSlice;
  throw Error(ErrorKind::kInvalidArgument, "plan JSON: unknown step kind '" + name + "'");
}

template <typename T>
T get_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) throw Error(ErrorKind::kInvalidArgument, std::string("plan JSON: missing '") + key + "'");
  return it->get<T>();
}

}  // namespace

nlohmann::json plan_to_json(const Plan& plan) {
  nlohmann::json workers = nlohmann::json::array();
  for (const WorkerProgram& w : plan.workers) {
    nlohmann::json steps = nlohmann::json::array();
    for (const Step& s : w.steps) {
      nlohmann::json step = {{"node", s.node}};
      if (s.kind != StepKind::kRun) step["kind"] = std::string(to_string(s.kind));
      if (s.kind == StepKind::kSlice) {
        step["slice"] = s.slice_index;
        step["of"] = s.slice_count;
      }
      steps.push_back(std::move(step));
    }
    workers.push_back({{"steps", std::move(steps)}});
  }
  nlohmann::json dependencies = nlohmann::json::array();
  for (const CrossDependency& d : plan.dependencies) {
    dependencies.push_back({{"producer", d.producer},
                            {"values", d.values},
                            {"bytes", d.bytes},
                            {"from", {d.from_worker, d.from_step}},
                            {"to", {d.to_worker, d.to_step}}});
  }
  return {{"format", kFormat}, {"version", kVersion}, {"workers", std::move(workers)}, {"dependencies", std::move(dependencies)}};
}

Plan plan_from_json(const nlohmann::json& json) {
  try {
    if (!json.is_object() || json.value("format", "") != kFormat) {
      throw Error(ErrorKind::kInvalidArgument, "plan JSON: not a ramiel plan (\"format\" must be \"ramiel-plan\")");
    }
    if (get_field<int>(json, "version") != kVersion) {
      throw Error(ErrorKind::kInvalidArgument, "plan JSON: unsupported version " + json.at("version").dump());
    }
    Plan plan;
    for (const nlohmann::json& w : get_field<nlohmann::json>(json, "workers")) {
      WorkerProgram program;
      for (const nlohmann::json& s : get_field<nlohmann::json>(w, "steps")) {
        Step step;
        step.node = get_field<ir::NodeId>(s, "node");
        step.kind = parse_kind(s.value("kind", std::string("run")));
        if (step.kind == StepKind::kSlice) {
          step.slice_index = get_field<int32_t>(s, "slice");
          step.slice_count = get_field<int32_t>(s, "of");
        }
        program.steps.push_back(step);
      }
      plan.workers.push_back(std::move(program));
    }
    for (const nlohmann::json& d : get_field<nlohmann::json>(json, "dependencies")) {
      CrossDependency dep;
      dep.producer = get_field<ir::NodeId>(d, "producer");
      dep.values = d.value("values", std::vector<ir::ValueId>{});
      dep.bytes = d.value("bytes", int64_t{0});
      auto from = get_field<std::vector<int32_t>>(d, "from");
      auto to = get_field<std::vector<int32_t>>(d, "to");
      if (from.size() != 2 || to.size() != 2) throw Error(ErrorKind::kInvalidArgument, "plan JSON: 'from' and 'to' must be [worker, step]");
      dep.from_worker = from[0];
      dep.from_step = from[1];
      dep.to_worker = to[0];
      dep.to_step = to[1];
      plan.dependencies.push_back(std::move(dep));
    }
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInvalidArgument, std::string("plan JSON: ") + e.what());
  }
}

void write_plan_file(const Plan& plan, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
  out << plan_to_json(plan).dump(1) << "\n";
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

Plan read_plan_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kIo, "cannot read '" + path + "'");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInvalidArgument, "'" + path + "' is not valid JSON: " + e.what());
  }
  return plan_from_json(json);
}

}  // namespace ramiel::schedule
