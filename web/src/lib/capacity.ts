/** GPU recommendation and capacity warnings of the deploy form (spec §16.6), pure. */

export interface Recommendation {
  gpus: number;
  reason: string;
  nodeCount: number;
  alternatives: number[];
}

export interface CapacityFacts {
  perGpuGb: number | null;
  maxNodeGpuCapacity: number;
}

function alternativesFor(max: number, chosen: number): number[] {
  return [1, 2, 4, 8]
    .filter((n) => n <= max && max % n === 0 && n !== chosen)
    .sort((a, b) => Math.abs(a - chosen) - Math.abs(b - chosen))
    .slice(0, 2);
}

function bucket(b: number): [number, string] {
  if (b < 3) return [1, "small model"];
  if (b < 13) return [2, "medium model"];
  if (b < 70) return [4, "large model"];
  return [8, "very large model"];
}

/**
 * GPUs per replica for a model: memory = B·2·1.2 GB (or the catalogue's figure), divided by
 * per-GPU memory when known; beyond one node the work spreads over several nodes.
 */
export function recommendGpus(
  billions: number | null,
  catalogueGb: number | null,
  facts: CapacityFacts | null,
): Recommendation {
  const max = facts && facts.maxNodeGpuCapacity > 0 ? facts.maxNodeGpuCapacity : 8;
  const spread = (needed: number, reason: string): Recommendation => {
    if (needed > max) {
      const nodeCount = Math.ceil(needed / max);
      return { gpus: max, nodeCount, reason: `${reason} - distributed across ${nodeCount} nodes`, alternatives: [] };
    }
    return { gpus: needed, nodeCount: 1, reason, alternatives: alternativesFor(max, needed) };
  };
  if (billions !== null && billions > 0) {
    const mem = catalogueGb ?? billions * 2 * 1.2;
    if (facts?.perGpuGb) {
      const needed = Math.max(1, Math.ceil(mem / facts.perGpuGb));
      return spread(needed, `~${Math.round(mem)}GB needed (${billions}B params)`);
    }
    const [n, kind] = bucket(billions);
    return spread(n, `${kind} (${billions}B params)`);
  }
  if (catalogueGb !== null && facts?.perGpuGb) {
    return spread(Math.max(1, Math.ceil(catalogueGb / facts.perGpuGb)), `Model needs ~${catalogueGb}GB memory`);
  }
  if (facts) return { gpus: Math.min(1, max), nodeCount: 1, reason: "Model size unknown - using 1 GPU", alternatives: [] };
  return { gpus: 1, nodeCount: 1, reason: "Starting with 1 GPU per replica", alternatives: [] };
}

export interface ScalingChoice {
  mode: "aggregated" | "disaggregated";
  replicas: number;
  gpusPerReplica: number;
  prefillReplicas: number;
  prefillGpus: number;
  decodeReplicas: number;
  decodeGpus: number;
}

/** Total GPUs the deployment asks for and the largest single pod. */
export function gpuDemand(c: ScalingChoice): { total: number; largestPod: number } {
  if (c.mode === "disaggregated") {
    return {
      total: c.prefillReplicas * c.prefillGpus + c.decodeReplicas * c.decodeGpus,
      largestPod: Math.max(c.prefillGpus, c.decodeGpus),
    };
  }
  return { total: c.replicas * c.gpusPerReplica, largestPod: c.gpusPerReplica };
}

export type CapacityWarning =
  | { kind: "exceeds-node"; largestPod: number; maxNode: number }
  | { kind: "insufficient"; total: number; available: number };

/** What the capacity box warns about (none when the request fits). */
export function capacityWarnings(
  c: ScalingChoice,
  capacity: { availableGpus: number; maxNodeGpuCapacity: number },
): CapacityWarning[] {
  const { total, largestPod } = gpuDemand(c);
  const out: CapacityWarning[] = [];
  if (largestPod > capacity.maxNodeGpuCapacity) {
    out.push({ kind: "exceeds-node", largestPod, maxNode: capacity.maxNodeGpuCapacity });
  }
  if (total > capacity.availableGpus) {
    out.push({ kind: "insufficient", total, available: capacity.availableGpus });
  }
  return out;
}
