/** Logs of a deployment's pods: instance selector, tail size, timestamps; polled every 10 s. */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Alert, Button } from "../../components/ui";
import { api, describeError, unwrap } from "../../lib/api";

export function LogsPanel({ name, namespace }: { name: string; namespace: string }) {
  const pods = useQuery({
    queryKey: ["pods", namespace, name],
    queryFn: () => unwrap(api.GET("/api/deployments/{name}/pods", { params: { path: { name }, query: { namespace } } })),
    refetchInterval: 5_000,
  });
  const [pod, setPod] = useState<string>("");
  const [tail, setTail] = useState(100);
  const [timestamps, setTimestamps] = useState(false);
  const podNames = pods.data?.pods.map((p) => p.name) ?? [];
  const selected = podNames.includes(pod) ? pod : podNames[0];
  const logs = useQuery({
    queryKey: ["logs", namespace, name, selected, tail, timestamps],
    queryFn: () =>
      unwrap(
        api.GET("/api/deployments/{name}/logs", {
          params: { path: { name }, query: { namespace, podName: selected, tailLines: tail, timestamps } },
        }),
      ),
    enabled: !!selected,
    refetchInterval: 10_000,
    staleTime: 5_000,
    retry: 1,
  });
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [logs.data]);

  if (pods.isSuccess && podNames.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-300">No instances available. Logs will appear once instances are running.</p>;
  }
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        {podNames.length > 1 && (
          <label className="flex items-center gap-1">
            Instance
            <select value={selected} onChange={(e) => setPod(e.target.value)}>
              {podNames.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
        )}
        <label className="flex items-center gap-1">
          Tail
          <select value={tail} onChange={(e) => setTail(Number(e.target.value))}>
            {[50, 100, 500, 1000].map((n) => (
              <option key={n} value={n}>
                {n} lines
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} />
          Timestamps
        </label>
        <Button variant="secondary" onClick={() => void logs.refetch()}>
          Refresh
        </Button>
        <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(logs.data?.logs ?? "")}>
          Copy
        </Button>
      </div>
      {logs.isError ? (
        <Alert tone="error" title="Error fetching logs:">
          <p>{describeError(logs.error)}</p>
          <Button className="mt-2" variant="secondary" onClick={() => void logs.refetch()}>
            Retry
          </Button>
        </Alert>
      ) : (
        <pre
          ref={box}
          tabIndex={0}
          aria-label="Logs"
          data-testid="logs"
          className="max-h-96 min-h-24 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 whitespace-pre-wrap text-slate-100"
        >
          {logs.data ? logs.data.logs || logs.data.message || "(no output yet)" : "Loading logs..."}
        </pre>
      )}
      {logs.data?.podName && (
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          Showing logs from instance: {logs.data.podName}
          {logs.data.container ? ` (container: ${logs.data.container})` : ""}
        </p>
      )}
    </div>
  );
}
