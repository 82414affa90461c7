/** The model summary card and the capacity alerts of the deploy page. */
import type { ClusterGpuCapacity, Model } from "@airunway/client";
import { GpuFit } from "../../components/GpuFit";
import { Alert, Badge, Card } from "../../components/ui";
import type { CapacityWarning } from "../../lib/capacity";
import { engineName } from "../../lib/format";

export function ModelSummary({ model, capacity }: { model: Model; capacity: ClusterGpuCapacity | undefined }) {
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="font-semibold">{model.name}</p>
          <p className="font-mono text-xs text-slate-600 dark:text-slate-400">{model.id}</p>
        </div>
        <div className="flex gap-1">
          {model.gated && <Badge tone="amber">Gated Model</Badge>}
          <Badge tone="cyan">{model.size}</Badge>
        </div>
      </div>
      <p className="mt-2 text-sm">{model.description}</p>
      <div className="mt-2">
        <GpuFit model={model} capacity={capacity} />
      </div>
      <div className="mt-2 flex flex-wrap gap-1">
        {model.supportedEngines.map((e) => (
          <Badge key={e}>{engineName(e)}</Badge>
        ))}
      </div>
    </Card>
  );
}

export function CapacityAlerts({ warnings }: { warnings: CapacityWarning[] }) {
  return (
    <>
    {warnings.map((w) =>
      w.kind === "exceeds-node" ? (
        <Alert key={w.kind} tone="error" title="Deployment exceeds available capacity">
          Each instance needs {w.largestPod} GPUs but the largest node has {w.maxNode}. Lower the GPUs per replica.
        </Alert>
      ) : (
        <Alert key={w.kind} tone="warning" title="Insufficient GPU capacity">
          This deployment needs {w.total} GPUs but only {w.available} are available; some instances will wait for capacity.
        </Alert>
      ),
    )}
    </>
  );
}
