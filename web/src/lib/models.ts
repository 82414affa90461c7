/** Model sizes and memory figures read from catalogue entries (pure). */

export interface ModelLike {
  id: string;
  size: string;
  supportedEngines: string[];
  minGpuMemory?: string | null;
  minGpus?: number | null;
  parameters?: number | null;
  contextLength?: number | null;
}

/** Billions of parameters from a size or name: "8B" → 8, "0.6B" → 0.6, "8x7B" → 56. */
export function parseBillions(text: string | null | undefined): number | null {
  if (!text) return null;
  const moe = /(\d+)\s*x\s*(\d+(?:\.\d+)?)\s*B\b/i.exec(text);
  if (moe) return Number(moe[1]) * Number(moe[2]);
  const plain = /(\d+(?:\.\d+)?)\s*B\b/i.exec(text);
  return plain ? Number(plain[1]) : null;
}

/** Parameter count of a model: `parameters`, else its size, else its id. */
export function modelBillions(model: ModelLike): number | null {
  if (model.parameters && model.parameters > 0) return model.parameters / 1e9;
  return parseBillions(model.size) ?? parseBillions(model.id.split("/").pop());
}

/** GB of a memory string such as "18GB" or "16 GiB"; null when it is not one. */
export function parseGb(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /(\d+(?:\.\d+)?)\s*(G|T)i?B?/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2].toUpperCase() === "T" ? n * 1024 : n;
}

/** A model that runs on CPU: no GPUs needed, or only llama.cpp. */
export function isCpuModel(model: ModelLike): boolean {
  return model.minGpus === 0 || (model.supportedEngines.length > 0 && model.supportedEngines.every((e) => e === "llamacpp"));
}

/** Rough memory of a CPU (GGUF) model: ceil(B·0.6 + 2) GB. */
export function cpuMemoryGb(model: ModelLike): number | null {
  const b = parseBillions(model.size);
  return b === null ? null : Math.ceil(b * 0.6 + 2);
}
