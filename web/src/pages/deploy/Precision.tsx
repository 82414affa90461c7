/**
 * Performance & Precision (§16.6): the throughput estimate for the chosen GPUs per replica,
 * and FP8 weights / KV cache, refused when the cluster's GPU cannot run FP8.
 */
import type { GpuThroughputEstimate } from "@airunway/client";
import { useId } from "react";
import { Alert } from "../../components/ui";
import { compact } from "../../lib/format";
import { Section } from "./Fields";

type Precision = "default" | "fp8";

function Select(props: { label: string; value: Precision; onChange: (v: Precision) => void }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {props.label}
      </label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as Precision)}>
        <option value="default">FP16 / BF16 (Default)</option>
        <option value="fp8">FP8</option>
      </select>
    </div>
  );
}

function estimateText(t: GpuThroughputEstimate): string {
  const parts = [`~${compact(t.perChatTokensPerSec)} tok/s per chat`];
  if (t.concurrentSequences) parts.push(`~${compact(t.concurrentSequences)} concurrent`);
  if (t.aggregateTokensPerSec) parts.push(`~${compact(t.aggregateTokensPerSec)} tok/s total`);
  return `${parts.join(" · ")} on ${t.capacityLabel} ${t.gpuModel} (TP ${t.tpSize})`;
}

/** True when FP8 is chosen but the estimate says the GPU cannot run it (blocks deploying). */
export function fp8Blocked(weights: Precision, kv: Precision, estimate: GpuThroughputEstimate | undefined): boolean {
  return (weights === "fp8" || kv === "fp8") && estimate?.fp8Supported === false;
}

export function PrecisionSection(props: {
  gpus: number;
  weights: Precision;
  kv: Precision;
  onChange: (weights: Precision, kv: Precision) => void;
  estimate: GpuThroughputEstimate | undefined;
}) {
  const t = props.estimate;
  const blocked = fp8Blocked(props.weights, props.kv, t);
  return (
    <Section title="Performance & Precision">
      <div className="grid gap-4 md:grid-cols-2">
        <Select label="Model Weights Precision" value={props.weights} onChange={(w) => props.onChange(w, props.kv)} />
        <Select label="KV Cache Precision" value={props.kv} onChange={(k) => props.onChange(props.weights, k)} />
      </div>
      {t && <p className="text-sm" data-testid="estimate">{estimateText(t)}</p>}
      {t && props.kv === "fp8" && t.kvCacheDtype !== "fp8" && t.fp8Supported && (
        <p className="text-xs">FP8 KV cache isn’t supported on {t.gpuModel} — showing the estimate with standard precision instead.</p>
      )}
      {blocked && t && (
        <Alert tone="error">
          FP8 is only supported on L40S/L4 and H100/H200 GPUs. This cluster's GPU ({t.gpuModel}) can't run FP8 — choose FP16 / BF16 to deploy.
        </Alert>
      )}
      {t && !t.lowConfidence && t.doesNotFit && (
        <Alert tone="warning">
          With {props.gpus} GPU(s) per replica on {t.gpuModel} there is no room left for the KV cache; consider more GPUs per replica.
        </Alert>
      )}
    </Section>
  );
}
