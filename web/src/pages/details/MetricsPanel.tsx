/** The metrics tab (§16.8): the backend's raw series, summarised for the provider's engine. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Button } from "../../components/ui";
import { api, describeError, unwrap } from "../../lib/api";
import { relativeAge } from "../../lib/format";
import { computeMetrics } from "../../lib/metrics";

const CONNECT = /resolve|refused|timed out|connect/i;

export function MetricsPanel({ name, namespace, provider }: { name: string; namespace: string; provider: string }) {
  const [auto, setAuto] = useState(true);
  const metrics = useQuery({
    queryKey: ["metrics", namespace, name],
    queryFn: () => unwrap(api.GET("/api/deployments/{name}/metrics", { params: { path: { name }, query: { namespace } } })),
    refetchInterval: auto ? 30_000 : false,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const toggle = (
    <Button variant="secondary" onClick={() => setAuto(!auto)} aria-pressed={auto}>
      {auto ? "Auto" : "Paused"}
    </Button>
  );
  if (metrics.isPending) return <p>Loading metrics...</p>;
  if (metrics.isError) return <Alert tone="error" title="Metrics Unavailable">{describeError(metrics.error)}</Alert>;
  const data = metrics.data;
  if (data.runningOffCluster) return <Alert tone="info" title="Running in Local Mode">Metrics are read inside the cluster.</Alert>;
  if (!data.available) {
    return (
      <div className="space-y-2">
        <Alert tone="warning" title={CONNECT.test(data.error ?? "") ? "Cannot Connect to Metrics" : "Metrics Unavailable"}>
          {data.error}
        </Alert>
        {toggle}
      </div>
    );
  }
  const computed = computeMetrics(provider, data.metrics);
  return (
    <div>
      <div className="mb-2 flex items-center justify-between text-xs text-slate-600 dark:text-slate-400">
        <span>Updated {relativeAge(data.timestamp)}</span>
        {toggle}
      </div>
      {computed.length === 0 ? (
        <p className="text-sm">The model server exposes no metrics this page knows yet.</p>
      ) : (
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {computed.map((m) => (
            <div key={m.name} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
              <dt className="text-xs text-slate-600 dark:text-slate-400">{m.label}</dt>
              <dd className="text-lg font-semibold">{m.display}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
