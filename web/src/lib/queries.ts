/** Query hooks with the polling intervals of spec §16.11. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./api";

export const useSettings = () =>
  useQuery({ queryKey: ["settings"], queryFn: () => unwrap(api.GET("/api/settings")), staleTime: 60_000 });

export const useClusterStatus = () =>
  useQuery({
    queryKey: ["cluster-status"],
    queryFn: () => unwrap(api.GET("/api/cluster/status")),
    refetchInterval: 30_000,
    retry: false,
  });

export const useModels = () =>
  useQuery({ queryKey: ["models"], queryFn: () => unwrap(api.GET("/api/models")), staleTime: 300_000 });

export const useRuntimes = () =>
  useQuery({ queryKey: ["runtimes"], queryFn: () => unwrap(api.GET("/api/runtimes/status")), refetchInterval: 30_000 });

export const useCapacity = () =>
  useQuery({ queryKey: ["gpu-capacity"], queryFn: () => unwrap(api.GET("/api/installation/gpu-capacity")), refetchInterval: 30_000 });

export const useDetailedCapacity = () =>
  useQuery({
    queryKey: ["gpu-capacity-detailed"],
    queryFn: () => unwrap(api.GET("/api/installation/gpu-capacity/detailed")),
    refetchInterval: 60_000,
    staleTime: 30_000,
  });

export const useAutoscaler = () =>
  useQuery({
    queryKey: ["autoscaler"],
    queryFn: () => unwrap(api.GET("/api/autoscaler/detection")),
    refetchInterval: 120_000,
    staleTime: 60_000,
  });

export const useDeployments = () =>
  useQuery({
    queryKey: ["deployments"],
    queryFn: () => unwrap(api.GET("/api/deployments")),
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });

export const useDeployment = (name: string, namespace?: string) =>
  useQuery({
    queryKey: ["deployment", namespace, name],
    queryFn: () => unwrap(api.GET("/api/deployments/{name}", { params: { path: { name }, query: { namespace } } })),
    refetchInterval: 5_000,
  });
