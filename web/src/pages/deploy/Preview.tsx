/** Live manifest preview: POST /api/deployments/preview on expand and on every change. */
import type { DeploymentConfig } from "@airunway/client";
import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useEffect, useState } from "react";
import { Alert, Skeleton } from "../../components/ui";
import { api, describeError, unwrap } from "../../lib/api";

const ManifestViewer = lazy(() => import("../../components/ManifestViewer"));

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function Preview({ config, valid }: { config: DeploymentConfig; valid: boolean }) {
  const body = useDebounced(config, 250);
  const preview = useQuery({
    queryKey: ["preview", body],
    queryFn: () => unwrap(api.POST("/api/deployments/preview", { body })),
    enabled: valid,
    retry: false,
    placeholderData: (prev) => prev,
  });
  if (!valid) return <p className="text-sm">Complete the configuration to see the manifest preview.</p>;
  if (preview.isError) {
    return (
      <Alert tone="warning" title="Complete the configuration to see the manifest preview.">
        {describeError(preview.error)}
      </Alert>
    );
  }
  if (!preview.data) return <Skeleton className="h-40" />;
  return (
    <Suspense fallback={<Skeleton className="h-40" />}>
      <ManifestViewer manifests={preview.data.resources.map((r) => r.manifest as Record<string, unknown>)} />
    </Suspense>
  );
}
