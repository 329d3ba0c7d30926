#include "schedule/random_dag.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ramiel::schedule {

namespace {

class Generator {
 public:
  Generator(uint64_t seed, size_t tasks) : rng_(seed) { builder_.reserve(tasks, tasks * 2); }

  TaskId task() {
    double u = uniform(0, 1);
    double cost;
    if (u < 0.02) {
      cost = 0;
    } else if (u < 0.8) {
      cost = uniform(0.005, 0.05);
    } else {
      cost = std::exp(uniform(std::log(0.1), std::log(5.0)));
    }
    ++count_;
    return builder_.add_task(cost);
  }
  void edge(TaskId from, TaskId to) { builder_.add_edge(from, to, static_cast<int64_t>(uniform(1024, 1 << 20))); }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  int64_t integer(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  size_t count() const { return count_; }
  TaskGraph build() { return builder_.build(); }

 private:
  std::mt19937_64 rng_;
  TaskGraphBuilder builder_;
  size_t count_ = 0;
};

TaskGraph layered(size_t tasks, uint64_t seed, int max_width) {
  Generator g(seed, tasks);
  std::vector<std::vector<TaskId>> layers;
  while (g.count() < tasks) {
    size_t width = std::min<size_t>(static_cast<size_t>(g.integer(1, max_width)), tasks - g.count());
    std::vector<TaskId> layer;
    for (size_t i = 0; i < width; ++i) {
      TaskId t = g.task();
      layer.push_back(t);
      if (layers.empty()) continue;
      const std::vector<TaskId>& previous = layers.back();
      int64_t fan_in = g.integer(1, std::min<int64_t>(3, static_cast<int64_t>(previous.size())));
      std::vector<TaskId> preds;
      for (int64_t k = 0; k < fan_in; ++k) preds.push_back(previous[static_cast<size_t>(g.integer(0, static_cast<int64_t>(previous.size()) - 1))]);
      if (layers.size() >= 3 && g.uniform(0, 1) < 0.2) {
        const std::vector<TaskId>& older = layers[layers.size() - static_cast<size_t>(g.integer(2, 3))];
        preds.push_back(older[static_cast<size_t>(g.integer(0, static_cast<int64_t>(older.size()) - 1))]);
      }
      std::sort(preds.begin(), preds.end());
      preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
      for (TaskId p : preds) g.edge(p, t);
    }
    layers.push_back(std::move(layer));
    if (layers.size() > 4) layers.erase(layers.begin());
  }
  return g.build();
}

/// Appends a block of about `budget` tasks reading `entry` (or nothing if entry < 0); returns its exit.
TaskId fork_join_block(Generator& g, size_t budget, TaskId entry, int max_branches) {
  TaskId last = entry;
  while (budget > 0) {
    if (budget < 4 || g.uniform(0, 1) < 0.3) {  // a short chain
      size_t length = std::min<size_t>(budget, static_cast<size_t>(g.integer(1, 4)));
      for (size_t i = 0; i < length; ++i) {
        TaskId t = g.task();
        if (last >= 0) g.edge(last, t);
        last = t;
      }
      budget -= length;
      continue;
    }
    // fork -> branches -> join, using up a random share of the budget.
    size_t block = std::max<size_t>(4, static_cast<size_t>(g.integer(4, static_cast<int64_t>(budget))));
    TaskId fork = g.task();
    if (last >= 0) g.edge(last, fork);
    size_t inner = block - 2;
    int64_t branches = g.integer(2, std::max<int64_t>(2, std::min<int64_t>(max_branches, static_cast<int64_t>(inner))));
    std::vector<TaskId> exits;
    size_t left = inner;
    for (int64_t b = 0; b < branches && left > 0; ++b) {
      size_t share = b + 1 == branches ? left : std::max<size_t>(1, left / static_cast<size_t>(branches - b));
      share = std::min(share, left);
      exits.push_back(fork_join_block(g, share, fork, max_branches));
      left -= share;
    }
    TaskId join = g.task();
    for (TaskId e : exits) g.edge(e, join);
    last = join;
    budget -= block;
  }
  return last;
}

TaskGraph fork_join(size_t tasks, uint64_t seed, int max_width) {
  Generator g(seed, tasks);
  fork_join_block(g, tasks, -1, std::max(max_width, 2));
  return g.build();
}

TaskGraph window(size_t tasks, uint64_t seed) {
  Generator g(seed, tasks);
  for (size_t i = 0; i < tasks; ++i) {
    TaskId t = g.task();
    if (t == 0) continue;
    int64_t fan_in = g.integer(0, 3);
    std::vector<TaskId> preds;
    for (int64_t k = 0; k < fan_in; ++k) preds.push_back(static_cast<TaskId>(std::max<int64_t>(0, t - g.integer(1, 40))));
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    for (TaskId p : preds) g.edge(p, t);
  }
  return g.build();
}

}  // namespace

TaskGraph random_dag(DagShape shape, size_t tasks, uint64_t seed, int max_width) {
  max_width = std::max(max_width, 1);
  switch (shape) {
    case DagShape::kLayered: return layered(tasks, seed, max_width);
    case DagShape::kForkJoin: return fork_join(tasks, seed, max_width);
    case DagShape::kWindow: return window(tasks, seed);
  }
  return layered(tasks, seed, max_width);
}

}  // namespace ramiel::schedule
