import { describe, expect, it } from "vitest";
import {
  MESSAGES,
  backendIssues,
  buildConfig,
  defaultName,
  defaultRuntime,
  engineChoices,
  formDefaults,
  isCompatible,
  runtimeModes,
  validate,
  volumeErrors,
  type FormState,
  type VolumeForm,
} from "./formRules";

const runtime = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  installed: true,
  healthy: true,
  requiresCrd: id !== "vllm",
  defaultNamespace: `${id}-ns`,
  capabilities: { engines: [], engineCapabilities: [], modes: [], modelSources: [], routerModes: [], features: {} },
  ...extra,
});

const base: FormState = {
  name: "qwen3-0-6b-abcd",
  namespace: "default",
  runtime: "vllm",
  engine: "vllm",
  ...formDefaults(),
};

describe("defaultName", () => {
  it("takes the last id segment, lower-cased, dashes for other characters, 16 chars and 4 random", () => {
    const zero = () => 0;
    expect(defaultName("Qwen/Qwen3-0.6B", zero)).toBe("qwen3-0-6b-0000");
    expect(defaultName("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", () => 0.5)).toBe("deepseek-r1-dist-iiii");
  });
  it("never ends the base with a dash and always matches the name rule", () => {
    for (const id of ["a/__X__", "Mistral/Ministral-3-8B-Instruct-2512-BF16", "x/---"]) {
      expect(defaultName(id)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });
});

describe("validate", () => {
  it("accepts the defaults", () => {
    expect(validate(base, 8)).toEqual({});
  });
  it("explains a bad name, a missing namespace and GPUs beyond a node", () => {
    const errors = validate({ ...base, name: "Bad_Name", namespace: "", gpusPerReplica: 9 }, 8);
    expect(errors.name).toBe(MESSAGES.name);
    expect(errors.namespace).toBe(MESSAGES.namespaceRequired);
    expect(errors.gpusPerReplica).toBe("Must be a whole number from 1 to 8");
  });
  it("requires a custom vLLM image when custom is chosen", () => {
    expect(validate({ ...base, imageChoice: "custom" }, 8).customImage).toBe(MESSAGES.image);
  });
  it("ignores GPU counts for KAITO on CPU", () => {
    expect(validate({ ...base, runtime: "kaito", computeType: "cpu", gpusPerReplica: 0 }, 8)).toEqual({});
  });
});

describe("volumeErrors", () => {
  const vol = (over: Partial<VolumeForm>): VolumeForm => ({
    name: "vol-1",
    purpose: "custom",
    mountPath: "/data",
    source: "new",
    size: "100Gi",
    accessMode: "ReadWriteMany",
    storageClassName: "",
    claimName: "",
    readOnly: false,
    ...over,
  });
  it("applies the backend's volume rules with its messages", () => {
    const errors = volumeErrors("d", [
      vol({ mountPath: "relative" }),
      vol({ name: "vol-1", mountPath: "/etc/x" }),
      vol({ name: "c", purpose: "custom", mountPath: "" }),
      vol({ name: "d", size: "lots" }),
      vol({ name: "e", source: "existing", claimName: "" }),
    ]);
    expect(errors["volumes.0.mountPath"]).toBe(MESSAGES.absolute);
    expect(errors["volumes.1.name"]).toBe('Duplicate volume name: "vol-1"');
    expect(errors["volumes.1.mountPath"]).toBe('Mount path "/etc/x" conflicts with system path "/etc"');
    expect(errors["volumes.2.mountPath"]).toBe(MESSAGES.customPath);
    expect(errors["volumes.3.size"]).toBe(MESSAGES.size);
    expect(errors["volumes.4.claimName"]).toBe(MESSAGES.claimRequired);
  });
  it("allows one model cache only and checks effective mount paths", () => {
    const errors = volumeErrors("d", [vol({ purpose: "modelCache", mountPath: "" }), vol({ name: "b", purpose: "modelCache", mountPath: "" })]);
    expect(errors["volumes.1.purpose"]).toBe('Only one volume with purpose "modelCache" is allowed');
    expect(errors["volumes.1.mountPath"]).toBe('Duplicate mount path: "/model-cache"');
  });
});

describe("runtimes", () => {
  it("keeps KAITO and Direct vLLM aggregated-only and uses declared modes otherwise", () => {
    expect(runtimeModes(runtime("vllm"))).toEqual(["aggregated"]);
    expect(runtimeModes(runtime("dynamo"))).toEqual(["aggregated", "disaggregated"]);
    const declared = runtime("dynamo", {
      capabilities: { engines: ["vllm"], engineCapabilities: [{ name: "vllm", servingModes: ["aggregated"] }], modes: [] },
    });
    expect(runtimeModes(declared as never, "vllm")).toEqual(["aggregated"]);
  });
  it("chooses by priority: installed and compatible first", () => {
    const rs = [runtime("vllm"), runtime("kaito"), runtime("dynamo", { installed: false })];
    expect(defaultRuntime(rs as never, ["vllm", "sglang"])).toBe("kaito");
    expect(defaultRuntime(rs as never, ["llamacpp"])).toBe("kaito");
    expect(defaultRuntime([], ["llamacpp"])).toBe("kaito");
    expect(defaultRuntime([], ["vllm"])).toBe("dynamo");
  });
  it("offers only engines both sides support", () => {
    expect(engineChoices(runtime("vllm") as never, ["vllm", "sglang"])).toEqual(["vllm"]);
    expect(isCompatible(runtime("vllm") as never, ["llamacpp"])).toBe(false);
  });
});

describe("buildConfig", () => {
  const model = { id: "Qwen/Qwen3-0.6B", supportedEngines: ["vllm"] };
  it("sends Direct vLLM with its image and at least one GPU", () => {
    const c = buildConfig({ ...base, gpusPerReplica: 2 }, model);
    expect(c).toMatchObject({ provider: "vllm", engine: "vllm", modelSource: "vllm", imageRef: "vllm/vllm-openai:cu130-nightly", resources: { gpu: 2 } });
  });
  it("maps a KAITO premade model to its image name on CPU", () => {
    const c = buildConfig({ ...base, runtime: "kaito", computeType: "cpu" }, { id: "kaito/llama3.2-1b", supportedEngines: ["llamacpp"] });
    expect(c).toMatchObject({ provider: "kaito", engine: "llamacpp", modelSource: "premade", premadeModel: "llama3.2:1b", computeType: "cpu" });
    expect(c.resources).toBeUndefined();
  });
  it("turns FP8 choices into engine arguments for vLLM and SGLang only", () => {
    expect(buildConfig({ ...base, weightPrecision: "fp8", kvPrecision: "fp8" }, model).engineArgs).toEqual({ quantization: "fp8", "kv-cache-dtype": "fp8" });
    expect(buildConfig({ ...base, kvPrecision: "fp8" }, model).engineArgs).toEqual({ "kv-cache-dtype": "fp8" });
    expect(buildConfig(base, model).engineArgs).toBeUndefined();
    const premade = buildConfig({ ...base, runtime: "kaito", weightPrecision: "fp8" }, { id: "kaito/llama3.2-1b", supportedEngines: ["llamacpp"] });
    expect(premade.engineArgs).toBeUndefined();
  });
  it("sends disaggregated workers", () => {
    const c = buildConfig({ ...base, runtime: "dynamo", mode: "disaggregated", prefillGpus: 2, decodeReplicas: 3 }, model);
    expect(c).toMatchObject({ mode: "disaggregated", prefillGpus: 2, decodeReplicas: 3 });
  });
});

describe("backendIssues", () => {
  it("maps the backend's issue paths to form fields", () => {
    const f = backendIssues({ issues: [{ in: "body", path: "storage.volumes.0.size", message: "bad" }, { in: "body", path: "name", message: "Value error, nope" }] });
    expect(f).toEqual({ "volumes.0.size": "bad", name: "nope" });
  });
});
