/** Deployments list (spec §16.7): every namespace, polled every 10 s, virtualised rows. */
import type { DeploymentStatus } from "@airunway/client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { DeleteDeployment } from "../components/DeleteDeployment";
import { Alert, Badge, Button, Card, PageHeader, PhaseBadge, Skeleton, cx } from "../components/ui";
import { describeError } from "../lib/api";
import { engineName, providerName, relativeAge } from "../lib/format";
import { useDeployments } from "../lib/queries";

const DOT: Record<string, string> = {
  Running: "bg-green-500",
  Pending: "bg-amber-500",
  Deploying: "bg-blue-500",
  Failed: "bg-red-500",
  Terminating: "bg-slate-400",
};

function replicasText(d: DeploymentStatus): string {
  const p = d.prefillReplicas as { ready?: number; desired?: number } | null | undefined;
  const dc = d.decodeReplicas as { ready?: number; desired?: number } | null | undefined;
  if (d.mode === "disaggregated" && p && dc) return `P: ${p.ready ?? 0}/${p.desired ?? 0}, D: ${dc.ready ?? 0}/${dc.desired ?? 0} ready`;
  return `${d.replicas.ready}/${d.replicas.desired} ready`;
}

function Row({ d, onDelete }: { d: DeploymentStatus; onDelete: () => void }) {
  const href = `/deployments/${encodeURIComponent(d.name)}?namespace=${encodeURIComponent(d.namespace)}`;
  return (
    <div className="flex h-16 items-center gap-3 border-b border-slate-200 px-3 dark:border-slate-800" data-testid="deployment-row">
      <span aria-hidden className={cx("h-2.5 w-2.5 shrink-0 rounded-full", DOT[d.phase] ?? "bg-slate-400")} />
      <div className="min-w-0 flex-1">
        <Link to={href} className="font-medium text-cyan-800 hover:underline dark:text-cyan-300">
          {d.name}
        </Link>
        <p className="truncate text-xs text-slate-600 dark:text-slate-400">
          {d.modelId} · {d.namespace}
        </p>
      </div>
      <div className="hidden flex-wrap items-center gap-1 sm:flex">
        <PhaseBadge phase={d.phase} />
        <Badge tone="purple">{providerName(d.provider)}</Badge>
        {d.engine && <Badge tone="cyan">{engineName(d.engine)}</Badge>}
        {d.mode === "disaggregated" && <Badge tone="blue">P/D</Badge>}
      </div>
      <span className="w-32 text-right text-sm">{replicasText(d)}</span>
      <span className="hidden w-20 text-right text-xs text-slate-600 md:inline dark:text-slate-400">{relativeAge(d.createdAt)}</span>
      <div className="flex gap-1">
        <Link to={href} className="rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800" aria-label={`View ${d.name}`}>
          View
        </Link>
        <Button variant="ghost" aria-label={`Delete ${d.name}`} onClick={onDelete}>
          Delete
        </Button>
      </div>
    </div>
  );
}

export default function DeploymentsPage() {
  const list = useDeployments();
  const [deleting, setDeleting] = useState<DeploymentStatus | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const items = list.data?.deployments ?? [];
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => 64, overscan: 8 });
  const subtitle = (
    <>
      Manage your model deployments{list.data ? ` · ${items.length} active` : ""}
    </>
  );
  return (
    <div>
      <PageHeader
        title="Deployments"
        subtitle={subtitle}
        actions={
          <Link to="/" className="rounded-md bg-cyan-700 px-3 py-2 text-sm font-medium text-white hover:bg-cyan-800 dark:bg-cyan-400 dark:text-slate-950">
            New Deployment
          </Link>
        }
      />
      {list.isPending ? (
        <div className="space-y-2" data-testid="deployments-loading">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-16" />
          ))}
        </div>
      ) : list.isError ? (
        <Alert tone="error" title="Failed to load deployments">
          <p>{describeError(list.error)}</p>
          <Button className="mt-2" variant="secondary" onClick={() => void list.refetch()}>
            Retry
          </Button>
        </Alert>
      ) : items.length === 0 ? (
        <Card>
          <div className="py-8 text-center">
            <p className="text-lg font-semibold">No deployments yet</p>
            <Link to="/" className="mt-2 inline-block text-cyan-800 underline dark:text-cyan-300">
              Deploy your first model
            </Link>
          </div>
        </Card>
      ) : (
        <Card className="p-0">
          <div ref={scroller} className="max-h-[70vh] overflow-auto" tabIndex={0} aria-label="Deployments">
            <div role="list" style={{ height: virtual.getTotalSize(), position: "relative" }}>
              {virtual.getVirtualItems().map((v) => (
                <div role="listitem" key={items[v.index].namespace + "/" + items[v.index].name} style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                  <Row d={items[v.index]} onDelete={() => setDeleting(items[v.index])} />
                </div>
              ))}
            </div>
          </div>
        </Card>
      )}
      <p className="mt-3 text-xs text-slate-600 dark:text-slate-400">Status refreshes automatically every 10 seconds</p>
      {deleting && (
        <DeleteDeployment name={deleting.name} namespace={deleting.namespace} open onOpenChange={(o) => !o && setDeleting(null)} />
      )}
    </div>
  );
}
