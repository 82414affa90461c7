/** Deployment details (§16.7): status, conditions, pending reasons, pods, logs, manifest, metrics. */
import type { DeploymentStatus } from "@airunway/client";
import * as Tabs from "@radix-ui/react-tabs";
import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { DeleteDeployment } from "../components/DeleteDeployment";
import { Alert, Badge, Button, Card, PhaseBadge, Skeleton } from "../components/ui";
import { ApiError, api, describeError, unwrap } from "../lib/api";
import { engineName, providerName, relativeAge } from "../lib/format";
import { useDeployment } from "../lib/queries";
import { LogsPanel } from "./details/LogsPanel";
import { MetricsPanel } from "./details/MetricsPanel";

const ManifestViewer = lazy(() => import("../components/ManifestViewer"));

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function PendingReasons({ d }: { d: DeploymentStatus }) {
  const reasons = useQuery({
    queryKey: ["pending", d.namespace, d.name],
    queryFn: () => unwrap(api.GET("/api/deployments/{name}/pending-reasons", { params: { path: { name: d.name }, query: { namespace: d.namespace } } })),
    refetchInterval: 30_000,
  });
  const list = reasons.data?.reasons ?? [];
  return (
    <Card title="Why is this deployment pending?">
      {reasons.isPending ? (
        <p className="text-sm">Checking the scheduler's events…</p>
      ) : reasons.isError ? (
        <Alert tone="error">{describeError(reasons.error)}</Alert>
      ) : list.length === 0 ? (
        <p className="text-sm">No scheduling problem reported yet; the instances are starting.</p>
      ) : (
        <ul className="space-y-2" data-testid="pending-reasons">
          {list.map((r, i) => (
            <li key={i}>
              <Alert
                tone={r.isResourceConstraint ? "warning" : "info"}
                title={r.resourceType === "gpu" ? "Insufficient GPU resources" : r.isResourceConstraint ? "Insufficient resources" : "Scheduling constraint"}
              >
                <p>{r.explanation || r.message}</p>
                {r.explanation && <p className="mt-1 text-xs opacity-80">Scheduler: {r.message}</p>}
                {r.isResourceConstraint && (
                  <p className="mt-1 text-xs">
                    {r.canAutoscalerHelp ? "A cluster autoscaler could add the capacity this needs." : "Adding nodes alone will not help; check taints and node selectors."}
                  </p>
                )}
              </Alert>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Manifest({ name, namespace }: { name: string; namespace: string }) {
  const manifest = useQuery({
    queryKey: ["manifest", namespace, name],
    queryFn: () => unwrap(api.GET("/api/deployments/{name}/manifest", { params: { path: { name }, query: { namespace } } })),
    staleTime: 30_000,
  });
  if (manifest.isPending) return <Skeleton className="h-40" />;
  if (manifest.isError) return <Alert tone="error">Failed to load manifest: {describeError(manifest.error)}</Alert>;
  return (
    <Suspense fallback={<Skeleton className="h-40" />}>
      <ManifestViewer manifests={manifest.data.resources.map((r) => r.manifest as Record<string, unknown>)} />
    </Suspense>
  );
}

interface Volume {
  name?: string;
  purpose?: string;
  mountPath?: string;
  readOnly?: boolean;
  size?: string;
  claimName?: string;
  storageClassName?: string;
  accessMode?: string;
}

const PURPOSES: Record<string, string> = { modelCache: "Model Cache", compilationCache: "Compilation Cache", custom: "Custom" };

function StorageCard({ storage }: { storage: DeploymentStatus["storage"] }) {
  const volumes = ((storage as { volumes?: Volume[] } | null | undefined)?.volumes ?? []) as Volume[];
  if (volumes.length === 0) return null;
  return (
    <Card title="Storage">
      <ul className="space-y-2 text-sm">
        {volumes.map((v) => (
          <li key={v.name} className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{v.name}</span>
            <Badge tone="purple">{PURPOSES[v.purpose ?? "custom"] ?? v.purpose}</Badge>
            {v.readOnly && <Badge>Read Only</Badge>}
            <code className="font-mono text-xs">{v.mountPath ?? (v.purpose === "modelCache" ? "/model-cache" : v.purpose === "compilationCache" ? "/compilation-cache" : "")}</code>
            <span className="text-slate-600 dark:text-slate-400">
              {v.size ? `New disk · ${v.size}${v.storageClassName ? ` · ${v.storageClassName}` : ""}` : `Existing disk · ${v.claimName ?? ""}`}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

const TAB = "rounded-md px-3 py-1.5 text-sm font-medium data-[state=active]:bg-cyan-100 data-[state=active]:text-cyan-950 dark:data-[state=active]:bg-cyan-900 dark:data-[state=active]:text-cyan-50";

export default function DeploymentDetailsPage() {
  const { name = "" } = useParams();
  const [search] = useSearchParams();
  const namespace = search.get("namespace") ?? undefined;
  const navigate = useNavigate();
  const query = useDeployment(name, namespace);
  const [deleting, setDeleting] = useState(false);

  if (query.isPending) return <Skeleton className="h-64" />;
  if (query.isError) {
    const err = query.error;
    if (err instanceof ApiError && err.status === 404) {
      return (
        <Card>
          <p className="text-lg font-semibold">Deployment not found</p>
          <Link to="/deployments" className="mt-2 inline-block text-cyan-800 underline dark:text-cyan-300">
            Back to Deployments
          </Link>
        </Card>
      );
    }
    return (
      <Alert tone="error" title={err instanceof ApiError && err.status === 403 ? "You do not have permission to view this deployment" : "Failed to load the deployment"}>
        {describeError(err)}
      </Alert>
    );
  }
  const d = query.data;
  const conditions = (d.conditions ?? []) as Condition[];
  const [service, port] = d.frontendService.split(":");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <Link to="/deployments" aria-label="Back to Deployments" className="rounded-md px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800">
            ←
          </Link>
          <div>
            <h1 className="text-2xl font-bold">{d.name}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-300">
              {d.namespace} · Created {relativeAge(d.createdAt)}
            </p>
          </div>
        </div>
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Status">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-600 dark:text-slate-400">Phase</dt>
            <dd data-testid="phase">
              <PhaseBadge phase={d.phase} />
            </dd>
            <dt className="text-slate-600 dark:text-slate-400">Deployment method</dt>
            <dd>{providerName(d.provider)}</dd>
            <dt className="text-slate-600 dark:text-slate-400">Replicas</dt>
            <dd>
              {d.replicas.ready}/{d.replicas.desired} Ready
            </dd>
            <dt className="text-slate-600 dark:text-slate-400">Model server</dt>
            <dd>{engineName(d.engine)}</dd>
            <dt className="text-slate-600 dark:text-slate-400">Mode</dt>
            <dd>{d.mode === "disaggregated" ? "Disaggregated (P/D)" : "Aggregated"}</dd>
            <dt className="text-slate-600 dark:text-slate-400">Model</dt>
            <dd className="font-mono">{d.modelId}</dd>
          </dl>
        </Card>
        <Card title="Access Model">
          {d.gateway?.endpoint ? (
            <p className="text-sm">
              Gateway endpoint: <code className="font-mono">{d.gateway.endpoint}</code>
            </p>
          ) : (
            <>
              <pre className="overflow-auto rounded-md bg-slate-100 p-2 font-mono text-xs dark:bg-slate-800">
                kubectl port-forward svc/{service} 8000:{port || 8000} -n {d.namespace}
              </pre>
              <p className="mt-2 text-sm">After running the command, access the model at http://localhost:8000</p>
            </>
          )}
        </Card>
      </div>
      {d.phase === "Pending" && <PendingReasons d={d} />}
      <StorageCard storage={d.storage} />
      <Card title="Conditions">
        {conditions.length === 0 ? (
          <p className="text-sm">No conditions reported yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-slate-600 dark:text-slate-400">
                <th className="py-1 pr-3 font-medium">Type</th>
                <th className="py-1 pr-3 font-medium">Status</th>
                <th className="py-1 pr-3 font-medium">Reason</th>
                <th className="py-1 font-medium">Message</th>
              </tr>
            </thead>
            <tbody>
              {conditions.map((c) => (
                <tr key={c.type} className="border-t border-slate-200 align-top dark:border-slate-800">
                  <td className="py-1 pr-3">{c.type}</td>
                  <td className="py-1 pr-3">
                    <Badge tone={c.status === "True" ? "green" : c.status === "False" ? "red" : "neutral"}>{c.status}</Badge>
                  </td>
                  <td className="py-1 pr-3">{c.reason}</td>
                  <td className="py-1">{c.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Instances">
        {d.pods.length === 0 ? (
          <p className="text-sm">No instances yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-slate-600 dark:text-slate-400">
                <th className="py-1 pr-3 font-medium">Pod</th>
                <th className="py-1 pr-3 font-medium">Phase</th>
                <th className="py-1 pr-3 font-medium">Ready</th>
                <th className="py-1 pr-3 font-medium">Restarts</th>
                <th className="py-1 font-medium">Node / reason</th>
              </tr>
            </thead>
            <tbody>
              {d.pods.map((p) => (
                <tr key={p.name} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-1 pr-3 font-mono text-xs">{p.name}</td>
                  <td className="py-1 pr-3">{p.phase}</td>
                  <td className="py-1 pr-3">{p.ready ? "Yes" : "No"}</td>
                  <td className="py-1 pr-3">{p.restarts}</td>
                  <td className="py-1">{p.node ?? p.reason ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Tabs.Root defaultValue="logs">
        <Tabs.List aria-label="Deployment details" className="mb-2 flex gap-1">
          <Tabs.Trigger value="logs" className={TAB}>
            Logs
          </Tabs.Trigger>
          <Tabs.Trigger value="manifest" className={TAB}>
            Manifest
          </Tabs.Trigger>
          <Tabs.Trigger value="metrics" className={TAB}>
            Metrics
          </Tabs.Trigger>
        </Tabs.List>
        <Card>
          <Tabs.Content value="logs">
            <LogsPanel name={d.name} namespace={d.namespace} />
          </Tabs.Content>
          <Tabs.Content value="manifest">
            <Manifest name={d.name} namespace={d.namespace} />
          </Tabs.Content>
          <Tabs.Content value="metrics">
            <MetricsPanel name={d.name} namespace={d.namespace} provider={d.provider} />
          </Tabs.Content>
        </Card>
      </Tabs.Root>
      {deleting && (
        <DeleteDeployment name={d.name} namespace={d.namespace} open onOpenChange={setDeleting} onDeleted={() => navigate("/deployments")} />
      )}
    </div>
  );
}
