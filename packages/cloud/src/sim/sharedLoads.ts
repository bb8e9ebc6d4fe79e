import type { InstanceMetric } from "./loadModel.ts";
import type { SampleGrid } from "./periodSummary.ts";
import { countServingAt, type IndexedGroup } from "./worldIndex.ts";

interface SharedLoad {
  grid: SampleGrid;
  metric: InstanceMetric;
  /** `metric.shared` at each instant of the grid, for the instances serving then. */
  values: Float64Array;
}

/**
 * What the in-service instances of a group share at each instant (the load
 * divided among them), worked out once per call for the group's own query and
 * every one of its instances' queries: a sweep asks about all the instances
 * of a group in the same call, each at the same instants.
 */
export class SharedLoads {
  private readonly byGroup = new Map<IndexedGroup, SharedLoad[]>();

  of(grid: SampleGrid, metric: InstanceMetric, group: IndexedGroup): Float64Array {
    let loads = this.byGroup.get(group);
    if (!loads) {
      loads = [];
      this.byGroup.set(group, loads);
    }
    // A call has a grid per period asked for and two instance metrics: a short list.
    let load = loads.find((candidate) => candidate.grid === grid && candidate.metric === metric);
    if (!load) {
      const values = new Float64Array(grid.times.length);
      for (let i = 0; i < values.length; i += 1) {
        const time = grid.times[i] as number;
        values[i] = metric.shared(time, countServingAt(group, time));
      }
      load = { grid, metric, values };
      loads.push(load);
    }
    return load.values;
  }
}
