/** The GPU fit line of a model (card and deploy summary). */
import type { ClusterGpuCapacity, Model } from "@airunway/client";
import { gpuFit, topologyLabel } from "../lib/gpuFit";
import { cpuMemoryGb, isCpuModel, parseGb } from "../lib/models";
import { cx } from "./ui";

const COLORS = { perfect: "bg-green-600", good: "bg-cyan-600", tight: "bg-amber-500", wont: "bg-red-600", unknown: "bg-slate-400" };
const TEXT = {
  perfect: "text-green-800 dark:text-green-300",
  good: "text-cyan-800 dark:text-cyan-300",
  tight: "text-amber-800 dark:text-amber-300",
  wont: "text-red-800 dark:text-red-300",
  unknown: "text-slate-700 dark:text-slate-300",
};

export function GpuFit({ model, capacity }: { model: Model; capacity: ClusterGpuCapacity | undefined }) {
  if (isCpuModel(model)) {
    const gb = cpuMemoryGb(model);
    return <p className="text-sm">CPU/GPU{gb ? ` · ~${gb} GB` : ""}</p>;
  }
  const modelGb = parseGb(model.minGpuMemory);
  const perGpu = capacity?.totalMemoryGb ?? null;
  if (modelGb === null || perGpu === null || !capacity) return <p className="text-sm">GPU: {model.minGpuMemory ?? "N/A"}</p>;
  const fit = gpuFit(modelGb, perGpu, capacity.totalGpus);
  const pct = Math.min(100, Math.round((fit.utilisation ?? 0) * 100));
  return (
    <div className="text-sm" data-testid="gpu-fit">
      <p>
        <span className={cx("font-semibold", TEXT[fit.level])}>{fit.label}</span>{" "}
        <span className="text-slate-600 dark:text-slate-400">
          {modelGb} / {fit.capacityGb} GB ({topologyLabel(capacity.nodes ?? [], perGpu)})
        </span>
      </p>
      <div className="mt-1 h-1.5 w-full rounded bg-slate-200 dark:bg-slate-800" role="meter" aria-label="GPU memory use" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className={cx("h-1.5 rounded", COLORS[fit.level])} style={{ width: `${Math.max(2, pct)}%` }} />
      </div>
      {fit.neededGb !== null && fit.neededGb > 0 && <p className="mt-1 text-xs">+{fit.neededGb} GB VRAM needed for comfortable fit</p>}
    </div>
  );
}
