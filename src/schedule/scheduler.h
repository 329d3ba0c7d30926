#pragma once
/// \file
/// The scheduling pipeline: linear clustering -> merging of non-overlapping clusters -> mapping
/// onto 1..P workers (keeping the fewest workers that are not clearly slower) -> cloning -> Plan.

#include <string>
#include <vector>

#include "schedule/cloning.h"
#include "schedule/clustering.h"
#include "schedule/comm_model.h"
#include "schedule/linear_clustering.h"
#include "schedule/plan.h"
#include "schedule/simulator.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Knobs of compile_schedule().
struct SchedulerOptions {
  int threads = 1;                 ///< P: most workers the plan may use (>= 1).
  CommModel comm;                  ///< Cost of a cross-worker hand-off.
  double worker_tolerance = 0.02;  ///< Use more workers only if that cuts the makespan by more than this fraction.
  bool merge = true;               ///< Merge clusters whose spans do not overlap.
  bool clone = true;               ///< Clone cheap tasks to remove waits.
  CloningOptions cloning;          ///< Limits on cloning.
  /// Small graphs: map the clusters with every strategy (affinity, earliest finish, first-task
  /// finish, span packing; linear and merged clusters) and keep the best; false: affinity alone,
  /// as on large graphs. The hybrid scheduler maps its split candidates with affinity alone.
  bool every_mapping_strategy = true;
};

/// Wall time of each phase of compile_schedule(), in milliseconds.
struct PhaseTimes {
  double clustering_ms = 0;  ///< Linear clustering.
  double merging_ms = 0;     ///< Merging clusters with disjoint spans.
  double mapping_ms = 0;     ///< Ranking and mapping clusters onto 1..P workers (each mapping estimates its makespan).
  double simulation_ms = 0;  ///< Building and simulating the chosen plan (cloning simulates on its own).
  double cloning_ms = 0;     ///< Cloning (its own simulations included).
  double splitting_ms = 0;   ///< compile_hybrid_schedule() only: deciding which nodes to split, trial schedules included.
  double total_ms = 0;       ///< Everything, including the final plan and simulation.
};

/// Figures describing a schedule.
struct ScheduleStats {
  size_t clusters_initial = 0;   ///< Linear clusters (chains).
  size_t clusters_merged = 0;    ///< Clusters after merging non-overlapping ones.
  int merge_rounds = 0;          ///< Merging rounds that merged something.
  int workers = 1;               ///< Workers the plan uses (<= threads).
  size_t cloned_tasks = 0;       ///< Clone steps in the plan.
  double cloned_ms = 0;          ///< Work the clones add.
  bool cloning_skipped = false;  ///< True if the graph was too large for cloning's evaluation budget.
  double serial_ms = 0;          ///< W: everything on one worker.
  double critical_path_ms = 0;   ///< CP: heaviest path by task cost.
  double lower_bound_ms = 0;     ///< max(CP, W / threads): no plan on `threads` workers can beat it.
  double makespan_ms = 0;        ///< Simulated makespan of the plan.
  size_t split_nodes = 0;        ///< Nodes split into slices (compile_hybrid_schedule() only).
  size_t slices = 0;             ///< Slice steps in the plan (the split nodes' slice counts summed).
  double unsplit_makespan_ms = 0;  ///< compile_hybrid_schedule(): makespan of the schedule without splits (else makespan_ms).
  int split_trials = 0;          ///< compile_hybrid_schedule(): split sets scheduled and simulated (the unsplit one included).
  std::vector<double> makespan_by_workers;  ///< [p-1]: best mapper estimate with at most p workers, before cloning (NaN: p not tried).
  std::string mapping;                      ///< How the chosen candidate was mapped (e.g. "affinity, linear clusters", "serial").
  LinearClusteringStats clustering;         ///< Work counters of linear clustering.
};

/// The outcome of compile_schedule().
struct Schedule {
  Plan plan;                    ///< The plan to run.
  Simulation simulation;        ///< Its simulation.
  Clustering linear_clusters;   ///< The chains found by linear clustering (a split node: where its first slice is).
  Clustering merged_clusters;   ///< The clusters after merging (a split node: where its first slice is).
  ScheduleStats stats;          ///< Summary figures.
  PhaseTimes times;             ///< Compile time per phase.
};

/// Schedules `graph` on at most options.threads workers: linear clustering, merging of clusters
/// with disjoint spans, then for p workers every mapping strategy (see MappingStrategy) on the
/// linear and the merged clusters, each scored by its simulated makespan. p = 1 is the serial
/// order (makespan W). It keeps the smallest p whose makespan is within worker_tolerance of the
/// best, so the plan never uses workers that do not pay for their synchronisation and never
/// simulates slower than serial; cloning then only accepts changes that shorten the makespan.
/// Small graphs ((tasks + edges) * P <= 50k: ML models of a few thousand nodes) try p = 2, 3, ... with six mapping
/// candidates each, stopping once the choice is within the tolerance of CP (no plan beats CP);
/// larger ones try the affinity mapping at P and binary-search the fewest workers within the
/// tolerance.
/// Throws kInvalidArgument if threads < 1. Cost: O(candidates * (tasks + edges) * log) plus the
/// clustering (see linear_clustering()) and the merging rounds.
Schedule compile_schedule(const TaskGraph& graph, const SchedulerOptions& options);

}  // namespace ramiel::schedule
