/** Deploy a model (§16.6): one page of sections, validated inline, with a live manifest preview. */
import type { Model, RuntimeStatus } from "@airunway/client";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, PageHeader, Skeleton } from "../components/ui";
import { ApiError, api, describeError, unwrap } from "../lib/api";
import { capacityWarnings, recommendGpus } from "../lib/capacity";
import { engineName } from "../lib/format";
import {
  IMAGES,
  backendIssues,
  buildConfig,
  defaultName,
  defaultRuntime,
  engineChoices,
  formDefaults,
  isCompatible,
  isReady,
  runtimeModes,
  runtimeNamespace,
  validate,
  type FieldErrors,
  type FormState,
} from "../lib/formRules";
import { modelBillions, parseGb } from "../lib/models";
import { useCapacity, useDetailedCapacity, useRuntimes } from "../lib/queries";
import { Disclosure, NumberField, RadioGroup, Section, Switch, TextField } from "./deploy/Fields";
import { Preview } from "./deploy/Preview";
import { CapacityAlerts, ModelSummary } from "./deploy/Summary";
import { useModel, runtimeBadge } from "./deploy/model";
import { PrecisionSection, fp8Blocked } from "./deploy/Precision";
import { useThroughput } from "../components/Throughput";
import { StorageSection } from "./deploy/StorageSection";

export default function DeployPage() {
  const { modelId = "" } = useParams();
  const { model, loading, error } = useModel(modelId);
  const runtimes = useRuntimes();
  if (loading || runtimes.isPending) return <Skeleton className="h-96" />;
  if (!model) {
    return (
      <Card>
        <p className="text-lg font-semibold">Model not found</p>
        <p className="text-sm">The requested model could not be found{error && !(error instanceof ApiError && error.status === 404) ? `: ${describeError(error)}` : ""}</p>
        <Link to="/" className="mt-2 inline-block text-cyan-800 underline dark:text-cyan-300">
          Back to Catalog
        </Link>
      </Card>
    );
  }
  return <DeployForm model={model} runtimes={runtimes.data?.runtimes ?? []} />;
}

function DeployForm({ model, runtimes }: { model: Model; runtimes: RuntimeStatus[] }) {
  const navigate = useNavigate();
  const toast = useToast();
  const capacity = useCapacity();
  const detailed = useDetailedCapacity();
  const maxGpus = detailed.data?.maxNodeGpuCapacity || 8;
  const recommendation = useMemo(
    () => recommendGpus(modelBillions(model), parseGb(model.minGpuMemory), detailed.data ? { perGpuGb: detailed.data.totalMemoryGb ?? null, maxNodeGpuCapacity: detailed.data.maxNodeGpuCapacity } : null),
    [model, detailed.data],
  );
  const [state, setState] = useState<FormState>(() => {
    const runtime = defaultRuntime(runtimes, model.supportedEngines);
    const r = runtimes.find((x) => x.id === runtime);
    const engines = engineChoices(r, model.supportedEngines);
    return {
      name: defaultName(model.id),
      namespace: runtimeNamespace(r, runtime),
      runtime,
      engine: engines[0] ?? model.supportedEngines[0] ?? "vllm",
      ...formDefaults(),
      weightPrecision: "default",
      kvPrecision: "default",
    };
  });
  const [gpuTouched, setGpuTouched] = useState(false);
  useEffect(() => {
    if (!gpuTouched) setState((s) => ({ ...s, gpusPerReplica: Math.min(recommendation.gpus, maxGpus) }));
  }, [recommendation.gpus, maxGpus, gpuTouched]);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [optionsOpen, setOptionsOpen] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(false);

  const runtime = runtimes.find((r) => r.id === state.runtime);
  const kaito = state.runtime === "kaito";
  const premade = kaito && model.id.startsWith("kaito/");
  const directVllm = state.runtime === "vllm";
  const engines = engineChoices(runtime, model.supportedEngines);
  const modes = runtime ? runtimeModes(runtime, state.engine) : ["aggregated"];
  const errors = validate(state, maxGpus);
  const valid = Object.keys(errors).length === 0;
  const shown: FieldErrors = { ...serverErrors, ...errors };
  const config = buildConfig(state, model);
  const set = (patch: Partial<FormState>) => {
    setServerErrors({});
    setState((s) => ({ ...s, ...patch }));
  };

  const chooseRuntime = (id: string) => {
    const r = runtimes.find((x) => x.id === id);
    const choices = engineChoices(r, model.supportedEngines);
    set({
      runtime: id,
      namespace: runtimeNamespace(r, id),
      engine: choices.includes(state.engine as never) ? state.engine : choices[0] ?? state.engine,
      mode: id === "kaito" || id === "vllm" ? "aggregated" : state.mode,
      routerMode: id === "dynamo" ? state.routerMode : "default",
      volumes: id === "dynamo" ? state.volumes : [],
    });
  };

  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/deployments", { body: config })),
    onSuccess: (res) => {
      toast({ title: "Deployment Created", description: `${res.name} is being deployed${res.warnings?.length ? `. ${res.warnings.join(" ")}` : ""}`, variant: "success" });
      navigate("/deployments");
    },
    onError: (err) => {
      if (err instanceof ApiError) setServerErrors(backendIssues(err.details));
      toast({ title: "Deployment Failed", description: describeError(err), variant: "destructive" });
    },
  });

  const precisionShown = !premade && modelBillions(model) !== null && (detailed.data?.nodePools ?? []).some((p) => p.gpuModel);
  const estimate = useThroughput(model, precisionShown, {
    quantization: state.weightPrecision === "fp8" ? "fp8" : undefined,
    kvCacheDtype: state.kvPrecision === "fp8" ? "fp8" : undefined,
    tpSize: Math.max(1, state.gpusPerReplica || 1),
  }).data;
  const blocked = precisionShown && fp8Blocked(state.weightPrecision ?? "default", state.kvPrecision ?? "default", estimate);
  const notReady = runtime && !isReady(runtime);
  const submit = () => {
    if (!valid) {
      document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
      return;
    }
    create.mutate();
  };
  const label = create.isPending ? "Deploying..." : blocked ? "FP8 Not Supported on This GPU" : notReady ? (runtime?.installed ? "Runtime Not Ready" : "Runtime Not Installed") : "Deploy Model";
  const warnings =
    detailed.data && !(kaito && state.computeType === "cpu")
      ? capacityWarnings({ ...state, gpusPerReplica: state.gpusPerReplica || 0 }, { availableGpus: detailed.data.availableGpus, maxNodeGpuCapacity: detailed.data.maxNodeGpuCapacity })
      : [];
  const showGpus = !(kaito && premade && state.computeType === "cpu");

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
      }}
      className="flex flex-col gap-4"
    >
      <PageHeader title="Deploy Model" subtitle={`Configure and deploy ${model.name}`} />
      <ModelSummary model={model} capacity={capacity.data} />

      {model.gated && (
        <Alert tone="warning" title="This model is gated on Hugging Face">
          Name a Secret holding a Hugging Face token with access to it under Advanced Options (Hugging Face token secret).
        </Alert>
      )}

      {runtimes.length > 0 && (
        <Section title="Deployment method">
          <RadioGroup
            legend="Runtime"
            value={state.runtime}
            onChange={chooseRuntime}
            columns
            options={runtimes.map((r) => {
              const compatible = isCompatible(r, model.supportedEngines);
              return {
                value: r.id,
                label: r.name,
                disabled: !compatible,
                badge: runtimeBadge(r, compatible),
                description: compatible
                  ? r.description
                  : `This model requires ${model.supportedEngines.map(engineName).join(", ")} which is not supported by this deployment method.`,
              };
            })}
          />
          {notReady && (
            <Alert tone="warning">{runtime?.installed ? "Provider is registered but not ready yet." : `Install ${runtime?.name} before deploying.`}</Alert>
          )}
        </Section>
      )}

      {directVllm && (
        <Alert tone="warning" title="Direct vLLM">
          Runs the vLLM OpenAI server as a plain Deployment and Service: the quickest way to serve the newest models. Nightly images support the newest architectures first.
        </Alert>
      )}

      <Section title="Basic Configuration">
        <TextField
          label="Deployment Name"
          value={state.name}
          onChange={(name) => set({ name })}
          error={shown.name}
          hint="Lowercase letters, numbers, and hyphens only"
          required
        />
        <Disclosure title="Advanced Settings" open={advancedOpen || !!shown.namespace} onToggle={setAdvancedOpen}>
          <TextField label="Namespace" value={state.namespace} onChange={(namespace) => set({ namespace })} error={shown.namespace} required />
        </Disclosure>
      </Section>

      {!directVllm && !premade && (
        <Section title="Model server">
          {engines.length === 0 ? (
            <p className="text-sm">No compatible model servers available for this model and deployment method.</p>
          ) : engines.length === 1 ? (
            <p className="text-sm">
              {engineName(engines[0])} <Badge>Selected automatically</Badge>
            </p>
          ) : (
            <RadioGroup legend="Engine" value={state.engine} onChange={(engine) => set({ engine })} options={engines.map((e) => ({ value: e, label: engineName(e) }))} />
          )}
        </Section>
      )}

      {kaito && (
        <Section title={premade ? "KAITO Model Configuration" : "KAITO Resource Type"}>
          {premade ? (
            <RadioGroup
              legend="Compute Type"
              value={state.computeType}
              onChange={(computeType) => set({ computeType })}
              columns
              options={[
                { value: "cpu", label: "CPU", description: "llama.cpp on CPU nodes" },
                { value: "gpu", label: "GPU", description: "llama.cpp with GPU offload" },
              ]}
            />
          ) : (
            <p className="text-sm">KAITO serves this model with vLLM on GPU nodes (Workspace).</p>
          )}
        </Section>
      )}

      {!premade && (
        <Section title="Deployment Mode">
          <RadioGroup
            legend="Mode"
            value={state.mode}
            onChange={(mode) => set({ mode })}
            columns
            options={[
              { value: "aggregated", label: "Aggregated (Standard)", description: "Prefill and decode in the same instances" },
              {
                value: "disaggregated",
                label: "Disaggregated (P/D)",
                description: modes.includes("disaggregated") ? "Separate prefill and decode workers" : "Not supported by this deployment method",
                disabled: !modes.includes("disaggregated"),
              },
            ]}
          />
        </Section>
      )}

      {showGpus && (
        <Section title="Deployment Options">
          {state.mode === "aggregated" ? (
            <div className="grid gap-4 md:grid-cols-2">
              <NumberField label="Worker Replicas" value={state.replicas} min={1} max={10} onChange={(replicas) => set({ replicas })} error={shown.replicas} />
              <NumberField
                label="GPUs per Replica"
                value={state.gpusPerReplica}
                min={1}
                max={maxGpus}
                onChange={(gpusPerReplica) => {
                  setGpuTouched(true);
                  set({ gpusPerReplica });
                }}
                error={shown.gpusPerReplica}
                hint={
                  <>
                    {state.gpusPerReplica === recommendation.gpus && <Badge tone="green">Recommended</Badge>} {recommendation.reason}
                    {recommendation.alternatives.length > 0 && ` · Consider: ${recommendation.alternatives.join(", ")} GPUs`} · at most {maxGpus} (largest node)
                  </>
                }
              />
              {state.runtime === "dynamo" && (
                <RadioGroup
                  legend="Router Mode"
                  value={state.routerMode}
                  onChange={(routerMode) => set({ routerMode })}
                  options={[
                    { value: "default", label: "Default" },
                    { value: "kv", label: "KV-Aware" },
                    { value: "round-robin", label: "Round Robin" },
                  ]}
                />
              )}
            </div>
          ) : (
            <div className="grid gap-4 md:grid-cols-2">
              <NumberField label="Prefill Replicas" value={state.prefillReplicas} min={1} max={10} onChange={(prefillReplicas) => set({ prefillReplicas })} error={shown.prefillReplicas} />
              <NumberField label="Prefill GPUs per Worker" value={state.prefillGpus} min={1} max={Math.min(8, maxGpus)} onChange={(prefillGpus) => set({ prefillGpus })} error={shown.prefillGpus} />
              <NumberField label="Decode Replicas" value={state.decodeReplicas} min={1} max={10} onChange={(decodeReplicas) => set({ decodeReplicas })} error={shown.decodeReplicas} />
              <NumberField label="Decode GPUs per Worker" value={state.decodeGpus} min={1} max={Math.min(8, maxGpus)} onChange={(decodeGpus) => set({ decodeGpus })} error={shown.decodeGpus} />
            </div>
          )}
        </Section>
      )}

      {precisionShown && (
        <PrecisionSection
          gpus={state.gpusPerReplica}
          weights={state.weightPrecision ?? "default"}
          kv={state.kvPrecision ?? "default"}
          estimate={estimate}
          onChange={(weightPrecision, kvPrecision) => set({ weightPrecision, kvPrecision })}
        />
      )}

      {state.runtime === "dynamo" && <StorageSection namespace={state.namespace} volumes={state.volumes} errors={shown} onChange={(volumes) => set({ volumes })} />}

      {directVllm && (
        <Section title="Direct vLLM">
          <RadioGroup
            legend="Launch image"
            value={state.imageChoice}
            onChange={(imageChoice) => set({ imageChoice })}
            options={[
              { value: "nightly", label: "Nightly", description: IMAGES.nightly },
              { value: "stable", label: "Stable", description: IMAGES.stable },
              { value: "custom", label: "Custom image" },
            ]}
          />
          {state.imageChoice === "custom" && (
            <TextField label="Custom launch image" value={state.customImage} onChange={(customImage) => set({ customImage })} error={shown.customImage} placeholder="registry/vllm-openai:tag" />
          )}
          <p className="text-xs">Selected image: {config.imageRef || "—"}</p>
        </Section>
      )}

      {!premade && (
        <Section title="Advanced Options">
          <Disclosure title="Show advanced options" open={optionsOpen || !!shown.contextLength} onToggle={setOptionsOpen}>
            {!kaito && (
              <>
                <Switch label="Enforce Eager Mode" checked={state.enforceEager} onChange={(enforceEager) => set({ enforceEager })} hint="Skip CUDA graph capture: faster start, slower serving" />
                <Switch label="Enable Prefix Caching" checked={state.enablePrefixCaching} onChange={(enablePrefixCaching) => set({ enablePrefixCaching })} />
                <Switch label="Trust Remote Code" checked={state.trustRemoteCode} onChange={(trustRemoteCode) => set({ trustRemoteCode })} hint="Run model code from the repository (only for models you trust)" />
              </>
            )}
            <TextField
              label="Context Length (optional)"
              value={state.contextLength}
              onChange={(contextLength) => set({ contextLength })}
              error={shown.contextLength}
              placeholder={model.contextLength ? String(model.contextLength) : undefined}
            />
            <TextField label="Hugging Face token secret (optional)" value={state.hfTokenSecret} onChange={(hfTokenSecret) => set({ hfTokenSecret })} placeholder="hf-token-secret" />
          </Disclosure>
        </Section>
      )}

      <CapacityAlerts warnings={warnings} />

      <Section title="Manifest Preview">
        <Disclosure title="Show the ModelDeployment this creates" open={previewOpen} onToggle={setPreviewOpen}>
          <Preview config={config} valid={valid} />
        </Disclosure>
      </Section>

      <div className="flex justify-end gap-2">
        <Link to="/" className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-600">
          Cancel
        </Link>
        <Button type="submit" disabled={create.isPending || !!notReady || blocked}>
          {label}
        </Button>
      </div>
    </form>
  );
}
