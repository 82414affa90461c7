/** Settings (§16.9): General (cluster status) and Runtimes (providers and autoscaler). */
import type { RuntimeStatus } from "@airunway/client";
import * as Tabs from "@radix-ui/react-tabs";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";
import { Alert, Badge, Card, PageHeader, Skeleton } from "../components/ui";
import { api, describeError, unwrap } from "../lib/api";
import { isReady } from "../lib/formRules";
import { useAutoscaler, useClusterStatus, useRuntimes, useSettings } from "../lib/queries";

const TAB = "rounded-md px-3 py-1.5 text-sm font-medium data-[state=active]:bg-cyan-100 data-[state=active]:text-cyan-950 dark:data-[state=active]:bg-cyan-900 dark:data-[state=active]:text-cyan-50";

function runtimeBadge(r: RuntimeStatus) {
  if (!r.requiresCrd) return r.healthy ? <Badge tone="green">Ready</Badge> : <Badge tone="amber">Registered</Badge>;
  if (r.installed) return r.healthy ? <Badge tone="green">Installed</Badge> : <Badge tone="amber">Starting</Badge>;
  return <Badge tone="red">Not Installed</Badge>;
}

function General() {
  const status = useClusterStatus();
  const runtimes = useRuntimes();
  const settings = useSettings();
  const version = useQuery({ queryKey: ["version"], queryFn: () => unwrap(api.GET("/api/health/version")), staleTime: Infinity });
  const list = runtimes.data?.runtimes ?? [];
  const ready = list.filter(isReady).length;
  return (
    <Card title="Cluster Status">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="text-slate-600 dark:text-slate-400">Connection</dt>
        <dd>{status.isPending ? "Connecting..." : status.data?.connected ? <Badge tone="green">Connected</Badge> : <Badge tone="red">Not Connected</Badge>}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Cluster</dt>
        <dd>{status.data?.clusterName ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Default namespace</dt>
        <dd>{settings.data?.config.defaultNamespace ?? status.data?.namespace ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Runtimes Ready</dt>
        <dd>
          {ready} of {list.length}
        </dd>
        <dt className="text-slate-600 dark:text-slate-400">ModelDeployment CRD</dt>
        <dd>{status.data?.providerInstallation?.message ?? "—"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Authentication</dt>
        <dd>{settings.data?.auth.enabled ? "On (Kubernetes tokens)" : "Off"}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Backend version</dt>
        <dd>
          {version.data ? `${version.data.version} (${version.data.gitCommit})` : "—"}
        </dd>
      </dl>
      {status.data?.error && (
        <div className="mt-3">
          <Alert tone="error">{status.data.error}</Alert>
        </div>
      )}
    </Card>
  );
}

function Runtimes() {
  const runtimes = useRuntimes();
  const autoscaler = useAutoscaler();
  return (
    <div className="space-y-4">
      <Card title="Cluster Autoscaling">
        {autoscaler.isPending ? (
          <Skeleton className="h-10" />
        ) : autoscaler.isError ? (
          <Alert tone="error">{describeError(autoscaler.error)}</Alert>
        ) : (
          <div className="text-sm">
            <p className="flex items-center gap-2">
              {autoscaler.data.detected ? (
                autoscaler.data.healthy ? <Badge tone="green">Healthy</Badge> : <Badge tone="amber">Unhealthy</Badge>
              ) : (
                <Badge>Not Detected</Badge>
              )}
              {autoscaler.data.type === "aks-managed" ? "AKS Managed" : autoscaler.data.type === "cluster-autoscaler" ? "Cluster Autoscaler" : ""}
            </p>
            <p className="mt-1">{autoscaler.data.message}</p>
          </div>
        )}
      </Card>
      <Card title="Available Runtimes">
        {runtimes.isPending ? (
          <Skeleton className="h-24" />
        ) : runtimes.isError ? (
          <Alert tone="error">{describeError(runtimes.error)}</Alert>
        ) : runtimes.data.runtimes.length === 0 ? (
          <p className="text-sm">No inference providers are registered. Deploy an InferenceProviderConfig to get started.</p>
        ) : (
          <ul className="grid gap-3 md:grid-cols-2">
            {runtimes.data.runtimes.map((r) => (
              <li key={r.id} className="rounded-md border border-slate-200 p-3 dark:border-slate-700" data-testid="runtime-card">
                <div className="flex items-center justify-between gap-2">
                  <h3 className="font-semibold">{r.name}</h3>
                  {runtimeBadge(r)}
                </div>
                <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{r.description}</p>
                <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 text-xs">
                  {r.requiresCrd && (
                    <>
                      <dt>CRD</dt>
                      <dd>{r.crdFound ? "Found" : "Missing"}</dd>
                      <dt>Operator</dt>
                      <dd>{r.operatorRunning ? "Running" : "Not running"}</dd>
                    </>
                  )}
                  <dt>Version</dt>
                  <dd>{r.version ?? "—"}</dd>
                  <dt>Namespace</dt>
                  <dd>{r.defaultNamespace}</dd>
                  <dt>Engines</dt>
                  <dd>{r.capabilities.engines?.join(", ") || "—"}</dd>
                </dl>
                <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">{r.message}</p>
              </li>
            ))}
          </ul>
        )}
        {runtimes.data?.error && (
          <div className="mt-3">
            <Alert tone="warning">{runtimes.data.error}</Alert>
          </div>
        )}
      </Card>
    </div>
  );
}

export default function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "runtimes" ? "runtimes" : "general";
  return (
    <div>
      <PageHeader title="Settings" subtitle="Cluster connection and inference runtimes" />
      <Tabs.Root value={tab} onValueChange={(v) => setParams(v === "general" ? {} : { tab: v }, { replace: true })}>
        <Tabs.List aria-label="Settings sections" className="mb-4 flex gap-1">
          <Tabs.Trigger value="general" className={TAB}>
            General
          </Tabs.Trigger>
          <Tabs.Trigger value="runtimes" className={TAB}>
            Runtimes
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="general">
          <General />
        </Tabs.Content>
        <Tabs.Content value="runtimes">
          <Runtimes />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
