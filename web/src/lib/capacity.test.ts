import { describe, expect, it } from "vitest";
import { capacityWarnings, gpuDemand, recommendGpus } from "./capacity";
import { compact, relativeAge } from "./format";
import { computeMetrics } from "./metrics";

describe("recommendGpus", () => {
  it("divides estimated memory by per-GPU memory", () => {
    const r = recommendGpus(8, null, { perGpuGb: 40, maxNodeGpuCapacity: 8 });
    expect(r.gpus).toBe(1);
    expect(r.reason).toBe("~19GB needed (8B params)");
    expect(r.alternatives).toEqual([2, 4]);
    expect(recommendGpus(70, null, { perGpuGb: 40, maxNodeGpuCapacity: 8 }).gpus).toBe(5);
  });
  it("spreads over several nodes beyond the largest node", () => {
    const r = recommendGpus(405, null, { perGpuGb: 40, maxNodeGpuCapacity: 8 });
    expect(r).toMatchObject({ gpus: 8, nodeCount: 4 });
    expect(r.reason).toContain("distributed across 4 nodes");
  });
  it("falls back to size buckets and to one GPU", () => {
    expect(recommendGpus(30, null, null).gpus).toBe(4);
    expect(recommendGpus(null, null, null)).toMatchObject({ gpus: 1, reason: "Starting with 1 GPU per replica" });
    expect(recommendGpus(null, null, { perGpuGb: null, maxNodeGpuCapacity: 8 }).reason).toBe("Model size unknown - using 1 GPU");
  });
});

describe("capacity maths", () => {
  const agg = { mode: "aggregated" as const, replicas: 2, gpusPerReplica: 4, prefillReplicas: 1, prefillGpus: 1, decodeReplicas: 1, decodeGpus: 1 };
  it("totals aggregated and disaggregated requests", () => {
    expect(gpuDemand(agg)).toEqual({ total: 8, largestPod: 4 });
    expect(gpuDemand({ ...agg, mode: "disaggregated", prefillReplicas: 2, prefillGpus: 2, decodeReplicas: 1, decodeGpus: 4 })).toEqual({ total: 8, largestPod: 4 });
  });
  it("warns when a pod exceeds every node or the cluster lacks GPUs", () => {
    expect(capacityWarnings(agg, { availableGpus: 17, maxNodeGpuCapacity: 8 })).toEqual([]);
    expect(capacityWarnings({ ...agg, gpusPerReplica: 16 }, { availableGpus: 17, maxNodeGpuCapacity: 8 }).map((w) => w.kind)).toEqual(["exceeds-node", "insufficient"]);
  });
});

describe("format and metrics", () => {
  it("formats ages and large numbers", () => {
    const now = Date.parse("2026-01-01T01:00:00Z");
    expect(relativeAge("2026-01-01T00:59:30Z", now)).toBe("30s ago");
    expect(relativeAge("2026-01-01T00:00:00Z", now)).toBe("1h ago");
    expect(relativeAge("2025-12-29T01:00:00Z", now)).toBe("3d ago");
    expect(compact(1234)).toBe("1.2k");
    expect(compact(2_000_000)).toBe("2M");
  });
  it("sums series by name and averages histograms", () => {
    const m = computeMetrics("vllm", [
      { name: "vllm:num_requests_running", value: 2, labels: {} },
      { name: "vllm:num_requests_running", value: 3, labels: {} },
      { name: "vllm:e2e_request_latency_seconds_sum", value: 3, labels: {} },
      { name: "vllm:e2e_request_latency_seconds_count", value: 6, labels: {} },
      { name: "vllm:gpu_cache_usage_perc", value: 0.25, labels: {} },
    ]);
    expect(m.map((x) => [x.label, x.display])).toEqual([
      ["Running Requests", "5"],
      ["GPU Cache Usage", "25.0%"],
      ["E2E Latency", "500.0ms"],
    ]);
  });
});
