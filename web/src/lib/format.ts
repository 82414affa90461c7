/** Display helpers shared by the pages (pure). */

/** `Ns ago`, `Nm ago`, `Nh ago`, `Nd ago` from an ISO time, relative to `now` (ms). */
export function relativeAge(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "unknown";
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** 950 → "950", 1234 → "1.2k", 2_500_000 → "2.5M". */
export function compact(n: number): string {
  if (Math.abs(n) >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (Math.abs(n) >= 1_000) return `${trim(n / 1_000)}k`;
  return String(Math.round(n));
}

function trim(n: number): string {
  return n.toFixed(1).replace(/\.0$/, "");
}

const PROVIDER_NAMES: Record<string, string> = {
  vllm: "Direct vLLM",
  dynamo: "Dynamo",
  kuberay: "KubeRay",
  kaito: "KAITO",
  llmd: "llm-d",
};

/** Display name of a provider id (the list's badge); unknown ids as they are. */
export function providerName(id: string | null | undefined): string {
  if (!id || id === "unknown") return "Pending";
  return PROVIDER_NAMES[id] ?? id;
}

const ENGINE_NAMES: Record<string, string> = {
  vllm: "vLLM",
  sglang: "SGLang",
  trtllm: "TensorRT-LLM",
  llamacpp: "llama.cpp",
};

export function engineName(id: string | null | undefined): string {
  if (!id) return "—";
  return ENGINE_NAMES[id] ?? id;
}
