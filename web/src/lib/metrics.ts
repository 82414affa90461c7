/** Display metrics computed from the raw Prometheus series the backend returns (§16.8). */
import type { MetricValue } from "@airunway/client";

export type Category = "queue" | "latency" | "throughput" | "cache" | "errors";
export interface MetricDef {
  name: string;
  label: string;
  unit: "count" | "%" | "s" | "ms";
  category: Category;
}
export interface Computed extends MetricDef {
  value: number;
  display: string;
}

const VLLM: MetricDef[] = [
  { name: "vllm:num_requests_running", label: "Running Requests", unit: "count", category: "queue" },
  { name: "vllm:num_requests_waiting", label: "Waiting Requests", unit: "count", category: "queue" },
  { name: "vllm:gpu_cache_usage_perc", label: "GPU Cache Usage", unit: "%", category: "cache" },
  { name: "vllm:gpu_prefix_cache_hit_rate", label: "Prefix Cache Hit Rate", unit: "%", category: "cache" },
  { name: "vllm:e2e_request_latency_seconds", label: "E2E Latency", unit: "s", category: "latency" },
  { name: "vllm:time_to_first_token_seconds", label: "Time to First Token", unit: "s", category: "latency" },
  { name: "vllm:time_per_output_token_seconds", label: "Time per Token", unit: "s", category: "latency" },
  { name: "vllm:prompt_tokens_total", label: "Prompt Tokens", unit: "count", category: "throughput" },
  { name: "vllm:generation_tokens_total", label: "Generated Tokens", unit: "count", category: "throughput" },
  { name: "vllm:request_success_total", label: "Successful Requests", unit: "count", category: "throughput" },
];
const RAY: MetricDef[] = [
  { name: "ray_serve_replica_processing_queries", label: "Processing Queries", unit: "count", category: "queue" },
  { name: "ray_serve_deployment_queued_queries", label: "Queued Queries", unit: "count", category: "queue" },
  { name: "ray_serve_deployment_processing_latency_ms", label: "Processing Latency", unit: "ms", category: "latency" },
  { name: "ray_serve_http_request_latency_ms", label: "HTTP Latency", unit: "ms", category: "latency" },
  { name: "ray_serve_deployment_request_counter_total", label: "Requests", unit: "count", category: "throughput" },
  { name: "ray_serve_num_http_requests_total", label: "HTTP Requests", unit: "count", category: "throughput" },
  { name: "ray_serve_deployment_error_counter_total", label: "Errors", unit: "count", category: "errors" },
  { name: "ray_serve_num_http_error_requests_total", label: "HTTP Errors", unit: "count", category: "errors" },
];

export function definitionsFor(provider: string): MetricDef[] {
  return provider === "kuberay" ? RAY : VLLM;
}

export function formatValue(value: number, unit: MetricDef["unit"]): string {
  if (unit === "%") return `${(value * 100).toFixed(1)}%`;
  if (unit === "s") {
    if (value < 0.001) return `${(value * 1e6).toFixed(0)}µs`;
    if (value < 1) return `${(value * 1000).toFixed(1)}ms`;
    return `${value.toFixed(2)}s`;
  }
  if (unit === "ms") return value < 1000 ? `${value.toFixed(1)}ms` : `${(value / 1000).toFixed(2)}s`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value * 100) / 100);
}

/** Sum of every series with a definition's name; histograms as Σ_sum / Σ_count. */
export function computeMetrics(provider: string, series: MetricValue[]): Computed[] {
  const sums = new Map<string, number>();
  for (const s of series) sums.set(s.name, (sums.get(s.name) ?? 0) + s.value);
  const out: Computed[] = [];
  for (const def of definitionsFor(provider)) {
    let value = sums.get(def.name);
    if (value === undefined) {
      const sum = sums.get(`${def.name}_sum`);
      const count = sums.get(`${def.name}_count`);
      if (sum !== undefined && count) value = sum / count;
    }
    if (value !== undefined) out.push({ ...def, value, display: formatValue(value, def.unit) });
  }
  return out;
}
