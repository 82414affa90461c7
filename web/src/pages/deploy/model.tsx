/** Finding the model to deploy, and the badge of a runtime card. */
import type { RuntimeStatus } from "@airunway/client";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "../../components/ui";
import { api, unwrap } from "../../lib/api";
import { isReady } from "../../lib/formRules";
import { useModels } from "../../lib/queries";

export function useModel(id: string) {
  const list = useModels();
  const found = list.data?.models.find((m) => m.id === id);
  const single = useQuery({
    queryKey: ["model", id],
    queryFn: () => unwrap(api.GET("/api/models/{model_id}", { params: { path: { model_id: id } } })),
    enabled: list.isFetched && !found,
    retry: false,
  });
  return { model: found ?? single.data, loading: list.isPending || (!found && single.isPending && single.fetchStatus !== "idle"), error: single.error };
}

export function runtimeBadge(r: RuntimeStatus, compatible: boolean) {
  if (!compatible) return <Badge tone="neutral">Not Compatible</Badge>;
  if (!r.installed) return <Badge tone="red">Not Installed</Badge>;
  if (!isReady(r)) return <Badge tone="amber">Not Ready</Badge>;
  return <Badge tone="green">{r.requiresCrd ? "Installed" : "Registered"}</Badge>;
}
