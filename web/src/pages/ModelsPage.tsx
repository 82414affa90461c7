/** The curated model catalogue (§16.5) with GPU fit and throughput estimates. */
import type { Model } from "@airunway/client";
import { useState } from "react";
import { Link } from "react-router-dom";
import { GpuFit } from "../components/GpuFit";
import { Throughput } from "../components/Throughput";
import { Alert, Badge, Button, PageHeader, Skeleton, cx } from "../components/ui";
import { describeError } from "../lib/api";
import { engineName } from "../lib/format";
import { isCpuModel } from "../lib/models";
import { useCapacity, useDetailedCapacity, useModels } from "../lib/queries";

const FILTERS = [
  ["vllm", "vLLM"],
  ["sglang", "SGLang"],
  ["trtllm", "TensorRT-LLM"],
  ["llamacpp", "Llama.cpp"],
] as const;

export function matches(model: Model, text: string, engines: string[]): boolean {
  const q = text.trim().toLowerCase();
  const textOk = !q || [model.name, model.id, model.description].some((s) => s.toLowerCase().includes(q));
  return textOk && (engines.length === 0 || model.supportedEngines.some((e) => engines.includes(e)));
}

function ModelCard({ model, throughputEnabled }: { model: Model; throughputEnabled: boolean }) {
  const capacity = useCapacity();
  return (
    <article className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900" data-testid="model-card">
      <div className="flex items-start justify-between gap-2">
        <h2 className="font-semibold">{model.name}</h2>
        <Badge tone="cyan">{model.size}</Badge>
      </div>
      <p className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">{model.id}</p>
      <p className="line-clamp-2 text-sm">{model.description}</p>
      <GpuFit model={model} capacity={capacity.data} />
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {model.contextLength ? `${Math.round(model.contextLength / 1024)}K context · ` : ""}
        {model.conversational ? "Chat" : model.task === "image-text-to-text" ? "Multimodal" : "Text Generation"}
        {model.gated ? " · Gated" : ""}
      </p>
      {!isCpuModel(model) && <Throughput model={model} enabled={throughputEnabled} />}
      <div className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-2">
        <div className="flex flex-wrap gap-1">
          {model.supportedEngines.map((e) => (
            <Badge key={e}>{engineName(e)}</Badge>
          ))}
        </div>
        <Link
          to={`/deploy/${encodeURIComponent(model.id)}`}
          className="rounded-md bg-cyan-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-cyan-800 dark:bg-cyan-400 dark:text-slate-950"
          aria-label={`Deploy ${model.name}`}
        >
          Deploy →
        </Link>
      </div>
    </article>
  );
}

export default function ModelsPage() {
  const models = useModels();
  const detailed = useDetailedCapacity();
  const [text, setText] = useState("");
  const [engines, setEngines] = useState<string[]>([]);
  const all = models.data?.models ?? [];
  const shown = all.filter((m) => matches(m, text, engines));
  const throughputEnabled = (detailed.data?.nodePools ?? []).some((p) => p.gpuModel);
  return (
    <div>
      <PageHeader title="Model Catalog" subtitle={`Browse curated models · ${shown.length} of ${all.length} models`} />
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <input type="search" aria-label="Search models" placeholder="Search models..." value={text} onChange={(e) => setText(e.target.value)} className="w-64" />
        <div role="group" aria-label="Filter by engine" className="flex flex-wrap gap-1">
          {FILTERS.map(([id, label]) => {
            const on = engines.includes(id);
            return (
              <button
                key={id}
                type="button"
                aria-pressed={on}
                onClick={() => setEngines(on ? engines.filter((e) => e !== id) : [...engines, id])}
                className={cx(
                  "rounded-full border px-3 py-1 text-sm",
                  on ? "border-cyan-700 bg-cyan-100 text-cyan-950 dark:border-cyan-400 dark:bg-cyan-900 dark:text-cyan-50" : "border-slate-300 dark:border-slate-600",
                )}
              >
                {label}
              </button>
            );
          })}
        </div>
      </div>
      {models.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} className="h-56" />
          ))}
        </div>
      ) : models.isError ? (
        <Alert tone="error" title="Failed to load models">
          {describeError(models.error)}
        </Alert>
      ) : shown.length === 0 ? (
        <div className="py-10 text-center">
          <p className="text-lg font-semibold">No models found</p>
          <Button
            variant="secondary"
            className="mt-2"
            onClick={() => {
              setText("");
              setEngines([]);
            }}
          >
            Clear Filters
          </Button>
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {shown.map((m) => (
            <ModelCard key={m.id} model={m} throughputEnabled={throughputEnabled} />
          ))}
        </div>
      )}
    </div>
  );
}
