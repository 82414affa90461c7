/**
 * The deploy form's rules (spec §16.6, §9.2), pure: defaults, runtime choice, inline
 * validation with the backend's own messages, and the DeploymentConfig the form sends.
 */
import type { DeploymentConfig, RuntimeStatus } from "@airunway/client";

export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const NAMESPACE_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const QUANTITY_PATTERN = /^[+-]?(\d+\.?\d*|\d*\.?\d+)([eE][+-]?\d+|[KMGTPE]i?|[numkMGTPE])?$/;
export const SYSTEM_PATHS = ["/dev", "/proc", "/sys", "/etc", "/var/run"];
export const ENGINES = ["vllm", "sglang", "trtllm", "llamacpp"] as const;
export type Engine = (typeof ENGINES)[number];
export const MAX_VOLUMES = 8;

export const MESSAGES = {
  nameRequired: "Deployment name is required",
  name: "Name must be lowercase alphanumeric with hyphens/dots, starting and ending with alphanumeric",
  nameLength: "Name must be at most 63 characters",
  namespaceRequired: "Namespace is required",
  namespace: "Namespace must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric",
  volumeName: "Volume name must be a valid DNS label (lowercase alphanumeric with hyphens)",
  size: "Size must be a valid Kubernetes quantity (e.g. 100Gi, 500Mi, 1Ti)",
  absolute: "Mount path must be an absolute path (start with /)",
  customPath: "Mount path is required for custom purpose volumes",
  claimRequired: "Claim name is required when size is not specified (existing PVC)",
  image: "Enter a vLLM launch image before applying a recipe or deploying.",
} as const;

/** Default name: last id segment, lower-case, non-alnum → "-", 16 chars, "-" + 4 random. */
export function defaultName(modelId: string, random: () => number = Math.random): string {
  const last = modelId.split("/").pop() ?? modelId;
  const base = last
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 16)
    .replace(/-+$/g, "");
  let suffix = "";
  for (let i = 0; i < 4; i++) suffix += Math.floor(random() * 36).toString(36);
  return `${base || "model"}-${suffix}`;
}

const FALLBACK_ENGINES: Record<string, Engine[]> = {
  dynamo: ["vllm", "sglang", "trtllm"],
  kuberay: ["vllm"],
  kaito: ["vllm", "llamacpp"],
  vllm: ["vllm"],
  llmd: ["vllm"],
};
const AGGREGATED_ONLY = new Set(["kaito", "vllm"]);
const FALLBACK_NAMESPACES: Record<string, string> = {
  dynamo: "dynamo-system",
  kuberay: "ray-system",
  kaito: "kaito-workspace",
  vllm: "default",
  llmd: "default",
};
const PRIORITY = ["dynamo", "kuberay", "kaito", "llmd", "vllm"];

type RuntimeLike = Pick<RuntimeStatus, "id" | "capabilities" | "installed" | "healthy" | "defaultNamespace" | "requiresCrd">;

/** Engines a runtime declares (known ones only), else the reference's fallback per id. */
export function runtimeEngines(r: RuntimeLike): Engine[] {
  const declared = (r.capabilities?.engines ?? []).filter((e): e is Engine => (ENGINES as readonly string[]).includes(e));
  return declared.length ? declared : FALLBACK_ENGINES[r.id] ?? [];
}

/** Serving modes of a runtime for an engine: per-engine modes, then general, then fallback. */
export function runtimeModes(r: RuntimeLike, engine?: string): string[] {
  if (AGGREGATED_ONLY.has(r.id)) return ["aggregated"];
  const perEngine = (r.capabilities?.engineCapabilities ?? []).find((c) => c.name === engine)?.servingModes ?? [];
  if (perEngine.length) return perEngine;
  if (r.capabilities?.modes?.length) return r.capabilities.modes;
  return ["aggregated", "disaggregated"];
}

export function isCompatible(r: RuntimeLike, modelEngines: string[], mode = "aggregated"): boolean {
  return runtimeEngines(r).some((e) => modelEngines.includes(e) && runtimeModes(r, e).includes(mode));
}

/** Ready to take a deployment: installed (CRD-backed) or registered and healthy. */
export function isReady(r: RuntimeLike): boolean {
  return r.installed && (r.requiresCrd || r.healthy);
}

/** The runtime chosen first: installed+compatible, compatible, installed, first (by priority). */
export function defaultRuntime(runtimes: RuntimeLike[], modelEngines: string[]): string {
  if (runtimes.length === 0) return modelEngines.includes("llamacpp") ? "kaito" : "dynamo";
  const order = [...runtimes].sort((a, b) => rank(a.id) - rank(b.id));
  const pick =
    order.find((r) => r.installed && isCompatible(r, modelEngines)) ??
    order.find((r) => isCompatible(r, modelEngines)) ??
    order.find((r) => r.installed) ??
    order[0];
  return pick.id;
}

function rank(id: string): number {
  const i = PRIORITY.indexOf(id);
  return i < 0 ? PRIORITY.length : i;
}

export function runtimeNamespace(r: RuntimeLike | undefined, id: string): string {
  return r?.defaultNamespace || FALLBACK_NAMESPACES[id] || "default";
}

/** The model servers to offer: the model's engines the runtime supports. */
export function engineChoices(r: RuntimeLike | undefined, modelEngines: string[]): Engine[] {
  const supported = r ? runtimeEngines(r) : [...ENGINES];
  return supported.filter((e) => modelEngines.includes(e));
}

export interface VolumeForm {
  name: string;
  purpose: "modelCache" | "compilationCache" | "custom";
  mountPath: string;
  source: "new" | "existing";
  size: string;
  accessMode: string;
  storageClassName: string;
  claimName: string;
  readOnly: boolean;
}

export interface FormState {
  name: string;
  namespace: string;
  runtime: string;
  engine: string;
  mode: "aggregated" | "disaggregated";
  replicas: number;
  gpusPerReplica: number;
  prefillReplicas: number;
  prefillGpus: number;
  decodeReplicas: number;
  decodeGpus: number;
  routerMode: "default" | "kv" | "round-robin";
  computeType: "cpu" | "gpu";
  imageChoice: "nightly" | "stable" | "custom";
  customImage: string;
  enforceEager: boolean;
  enablePrefixCaching: boolean;
  trustRemoteCode: boolean;
  contextLength: string;
  hfTokenSecret: string;
  volumes: VolumeForm[];
  /** Precision of the weights and of the KV cache; FP8 becomes engine arguments (vLLM, SGLang). */
  weightPrecision?: "default" | "fp8";
  kvPrecision?: "default" | "fp8";
}

/** The form's starting values, other than what depends on the model and the runtimes. */
export function formDefaults(): Omit<FormState, "name" | "namespace" | "runtime" | "engine"> {
  return {
    mode: "aggregated",
    replicas: 1,
    gpusPerReplica: 1,
    prefillReplicas: 1,
    prefillGpus: 1,
    decodeReplicas: 1,
    decodeGpus: 1,
    routerMode: "default",
    computeType: "cpu",
    imageChoice: "nightly",
    customImage: "",
    enforceEager: true,
    enablePrefixCaching: true,
    trustRemoteCode: false,
    contextLength: "",
    hfTokenSecret: "",
    volumes: [],
  };
}

export const IMAGES = {
  nightly: "vllm/vllm-openai:cu130-nightly",
  stable: "vllm/vllm-openai:latest",
} as const;

export type FieldErrors = Record<string, string>;

/** Inline errors by field path (`name`, `namespace`, `volumes.0.mountPath`...). */
export function validate(state: FormState, maxGpus: number): FieldErrors {
  const errors: FieldErrors = {};
  if (!state.name) errors.name = MESSAGES.nameRequired;
  else if (state.name.length > 63) errors.name = MESSAGES.nameLength;
  else if (!NAME_PATTERN.test(state.name)) errors.name = MESSAGES.name;
  if (!state.namespace) errors.namespace = MESSAGES.namespaceRequired;
  else if (state.namespace.length > 63 || !NAMESPACE_PATTERN.test(state.namespace)) errors.namespace = MESSAGES.namespace;
  const intIn = (key: keyof FormState, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) errors[key] = `Must be a whole number from ${lo} to ${hi}`;
  };
  if (state.mode === "aggregated") {
    intIn("replicas", state.replicas, 1, 10);
    if (!(state.runtime === "kaito" && state.computeType === "cpu")) intIn("gpusPerReplica", state.gpusPerReplica, 1, maxGpus);
  } else {
    intIn("prefillReplicas", state.prefillReplicas, 1, 10);
    intIn("decodeReplicas", state.decodeReplicas, 1, 10);
    intIn("prefillGpus", state.prefillGpus, 1, Math.min(8, maxGpus));
    intIn("decodeGpus", state.decodeGpus, 1, Math.min(8, maxGpus));
  }
  if (state.contextLength && !/^[1-9]\d*$/.test(state.contextLength)) errors.contextLength = "Context length must be a positive whole number";
  if (state.runtime === "vllm" && state.imageChoice === "custom" && !state.customImage.trim()) errors.customImage = MESSAGES.image;
  Object.assign(errors, volumeErrors(state.name, state.volumes));
  return errors;
}

export function effectiveMountPath(v: VolumeForm): string {
  if (v.mountPath) return v.mountPath;
  return v.purpose === "modelCache" ? "/model-cache" : v.purpose === "compilationCache" ? "/compilation-cache" : "";
}

/** The volume rules of §9.2 that the form can check before the backend does. */
export function volumeErrors(deployment: string, volumes: VolumeForm[]): FieldErrors {
  const errors: FieldErrors = {};
  const names = new Set<string>();
  const paths = new Set<string>();
  const purposes = new Set<string>();
  volumes.forEach((v, i) => {
    const at = `volumes.${i}`;
    if (!v.name || v.name.length > 63 || !NAME_PATTERN.test(v.name)) errors[`${at}.name`] = MESSAGES.volumeName;
    else if (names.has(v.name)) errors[`${at}.name`] = `Duplicate volume name: "${v.name}"`;
    names.add(v.name);
    const path = effectiveMountPath(v);
    if (!path) errors[`${at}.mountPath`] = MESSAGES.customPath;
    else if (!path.startsWith("/")) errors[`${at}.mountPath`] = MESSAGES.absolute;
    else {
      const system = SYSTEM_PATHS.find((s) => path === s || path.startsWith(`${s}/`));
      if (system) errors[`${at}.mountPath`] = `Mount path "${path}" conflicts with system path "${system}"`;
      else if (paths.has(path)) errors[`${at}.mountPath`] = `Duplicate mount path: "${path}"`;
      paths.add(path);
    }
    if (v.purpose !== "custom") {
      if (purposes.has(v.purpose)) errors[`${at}.purpose`] = `Only one volume with purpose "${v.purpose}" is allowed`;
      purposes.add(v.purpose);
    }
    if (v.source === "new") {
      if (!QUANTITY_PATTERN.test(v.size)) errors[`${at}.size`] = MESSAGES.size;
    } else if (!v.claimName) errors[`${at}.claimName`] = MESSAGES.claimRequired;
  });
  void deployment;
  return errors;
}

/** Field errors from a backend 400 body's `details.issues` (`body` path → form field). */
export function backendIssues(details: Record<string, unknown> | undefined): FieldErrors {
  const out: FieldErrors = {};
  const issues = (details?.issues ?? []) as { path?: string; message?: string }[];
  for (const issue of issues) {
    if (!issue.path || !issue.message) continue;
    const field = issue.path
      .replace(/^storage\.volumes\./, "volumes.")
      .replace(/^resources\.gpu$/, "gpusPerReplica")
      .replace(/^imageRef$/, "customImage");
    out[field] ??= issue.message.replace(/^Value error, /, "");
  }
  return out;
}

export interface ModelForConfig {
  id: string;
  supportedEngines: string[];
}

/** The body of POST /api/deployments (and /preview) for the form's state. */
export function buildConfig(state: FormState, model: ModelForConfig): DeploymentConfig {
  const kaito = state.runtime === "kaito";
  const kaitoCpu = kaito && state.computeType === "cpu";
  const premade = kaito && model.id.startsWith("kaito/");
  const engine = state.runtime === "vllm" ? "vllm" : (state.engine as Engine);
  const config: DeploymentConfig = {
    name: state.name,
    namespace: state.namespace,
    modelId: model.id,
    engine,
    mode: state.mode,
    provider: state.runtime,
    replicas: state.mode === "aggregated" ? state.replicas : 1,
    routerMode: state.runtime === "dynamo" ? state.routerMode : "default",
    hfTokenSecret: state.hfTokenSecret.trim(),
    enforceEager: kaito ? false : state.enforceEager,
    enablePrefixCaching: kaito ? true : state.enablePrefixCaching,
    trustRemoteCode: kaito ? false : state.trustRemoteCode,
  };
  if (state.mode === "aggregated") {
    if (kaitoCpu) config.computeType = "cpu";
    else config.resources = { gpu: state.gpusPerReplica };
  } else {
    config.prefillReplicas = state.prefillReplicas;
    config.prefillGpus = state.prefillGpus;
    config.decodeReplicas = state.decodeReplicas;
    config.decodeGpus = state.decodeGpus;
  }
  if (kaito) {
    if (premade) {
      config.modelSource = "premade";
      config.premadeModel = model.id.slice("kaito/".length).replace("-", ":");
      config.computeType = state.computeType;
      config.engine = "llamacpp";
    } else {
      config.modelSource = "vllm";
      config.computeType = "gpu";
      config.resources = { gpu: Math.max(1, state.gpusPerReplica) };
    }
    if (state.contextLength) config.maxModelLen = Number(state.contextLength);
  } else if (state.contextLength) {
    config.contextLength = Number(state.contextLength);
  }
  if (state.runtime === "vllm") {
    config.modelSource = "vllm";
    config.imageRef = state.imageChoice === "custom" ? state.customImage.trim() : IMAGES[state.imageChoice];
    config.resources = { gpu: Math.max(1, state.gpusPerReplica) };
  }
  const fp8Engine = config.engine === "vllm" || config.engine === "sglang";
  if (fp8Engine && (state.weightPrecision === "fp8" || state.kvPrecision === "fp8")) {
    config.engineArgs = {
      ...(state.weightPrecision === "fp8" ? { quantization: "fp8" } : {}),
      ...(state.kvPrecision === "fp8" ? { "kv-cache-dtype": "fp8" } : {}),
    };
  }
  if (state.volumes.length) {
    config.storage = {
      volumes: state.volumes.map((v) => ({
        name: v.name,
        purpose: v.purpose,
        readOnly: v.source === "existing" ? v.readOnly : false,
        ...(v.mountPath ? { mountPath: v.mountPath } : {}),
        ...(v.source === "new"
          ? { size: v.size, accessMode: v.accessMode as "ReadWriteMany", ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}) }
          : { claimName: v.claimName }),
      })),
    };
  }
  return config;
}
