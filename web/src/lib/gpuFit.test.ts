import { describe, expect, it } from "vitest";
import { gpuFit, topologyLabel } from "./gpuFit";
import { cpuMemoryGb, isCpuModel, modelBillions, parseBillions, parseGb } from "./models";

describe("gpuFit", () => {
  it("grades utilisation: perfect ≤ 60 %, good ≤ 80 %, tight ≤ 100 %, else won't fit", () => {
    expect(gpuFit(10, 80, 1).level).toBe("perfect");
    expect(gpuFit(60, 80, 1).level).toBe("good");
    expect(gpuFit(70, 80, 1).level).toBe("tight");
    expect(gpuFit(90, 80, 1).level).toBe("wont");
    expect(gpuFit(null, 80, 1).level).toBe("unknown");
    expect(gpuFit(10, null, 1).level).toBe("unknown");
  });
  it("says how much memory a comfortable fit needs above 80 %", () => {
    const fit = gpuFit(70, 80, 1);
    expect(fit.capacityGb).toBe(80);
    expect(fit.neededGb).toBe(Math.ceil(1.2 * 70) - 80);
    expect(gpuFit(10, 80, 1).neededGb).toBeNull();
  });
  it("multiplies per-GPU memory by every GPU of the cluster", () => {
    expect(gpuFit(90, 80, 2).level).toBe("perfect");
  });
});

describe("topologyLabel", () => {
  it("describes same-sized and mixed nodes", () => {
    expect(topologyLabel([{ totalGpus: 8 }, { totalGpus: 8 }], 80)).toBe("2x8x80 GB");
    expect(topologyLabel([{ totalGpus: 8 }], 80)).toBe("8x80 GB");
    expect(topologyLabel([{ totalGpus: 1 }], 16)).toBe("16 GB");
    expect(topologyLabel([{ totalGpus: 8 }, { totalGpus: 1 }, { totalGpus: 0 }], 80)).toBe("9x80 GB across 2 nodes");
  });
});

describe("model figures", () => {
  it("reads sizes, MoE sizes and memory strings", () => {
    expect(parseBillions("0.6B")).toBe(0.6);
    expect(parseBillions("8x7B")).toBe(56);
    expect(parseBillions("tiny")).toBeNull();
    expect(parseGb("18GB")).toBe(18);
    expect(parseGb("1 TiB")).toBe(1024);
    expect(modelBillions({ id: "a/b", size: "?", supportedEngines: [], parameters: 4e9 })).toBe(4);
  });
  it("treats llama.cpp-only or zero-GPU models as CPU models", () => {
    expect(isCpuModel({ id: "kaito/x", size: "8B", supportedEngines: ["llamacpp"], minGpus: 0 })).toBe(true);
    expect(isCpuModel({ id: "q", size: "8B", supportedEngines: ["vllm"], minGpus: 1 })).toBe(false);
    expect(cpuMemoryGb({ id: "kaito/x", size: "8B", supportedEngines: ["llamacpp"] })).toBe(7);
  });
});
