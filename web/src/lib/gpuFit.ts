/** The GPU fit indicator of the model cards (spec §16.5), pure so it can be tested alone. */

export type FitLevel = "perfect" | "good" | "tight" | "wont" | "unknown";

export interface FitResult {
  level: FitLevel;
  label: string;
  modelGb: number | null;
  capacityGb: number | null;
  /** 0..n, model memory over cluster capacity. */
  utilisation: number | null;
  /** GB missing for a comfortable (≤ 80 %) fit, when above 80 %. */
  neededGb: number | null;
}

const LABELS: Record<FitLevel, string> = {
  perfect: "Perfect fit",
  good: "Good fit",
  tight: "Tight fit",
  wont: "Won’t fit",
  unknown: "Unknown",
};

/**
 * Fit of a model of `modelGb` on a cluster of `totalGpus` GPUs with `perGpuGb` each:
 * utilisation > 1 won't fit, > 0.8 tight, > 0.6 good, else perfect.
 */
export function gpuFit(modelGb: number | null, perGpuGb: number | null, totalGpus: number): FitResult {
  if (modelGb === null || perGpuGb === null || perGpuGb <= 0 || totalGpus <= 0) {
    return { level: "unknown", label: LABELS.unknown, modelGb, capacityGb: null, utilisation: null, neededGb: null };
  }
  const capacityGb = perGpuGb * totalGpus;
  const utilisation = modelGb / capacityGb;
  let level: FitLevel = "perfect";
  if (utilisation > 1) level = "wont";
  else if (utilisation > 0.8) level = "tight";
  else if (utilisation > 0.6) level = "good";
  const neededGb = utilisation > 0.8 ? Math.ceil(1.2 * modelGb) - capacityGb : null;
  return { level, label: LABELS[level], modelGb, capacityGb, utilisation, neededGb };
}

/** "2x8x80 GB" (nodes x GPUs x GB), "8x80 GB", "80 GB", or "24x80 GB across 3 nodes". */
export function topologyLabel(nodes: { totalGpus: number }[], perGpuGb: number): string {
  const gpuNodes = nodes.filter((n) => n.totalGpus > 0);
  if (gpuNodes.length === 0) return `${perGpuGb} GB`;
  const total = gpuNodes.reduce((s, n) => s + n.totalGpus, 0);
  const same = gpuNodes.every((n) => n.totalGpus === gpuNodes[0].totalGpus);
  if (!same) return `${total}x${perGpuGb} GB across ${gpuNodes.length} nodes`;
  const per = gpuNodes[0].totalGpus;
  if (gpuNodes.length > 1) return `${gpuNodes.length}x${per}x${perGpuGb} GB`;
  if (per > 1) return `${per}x${perGpuGb} GB`;
  return `${perGpuGb} GB`;
}
