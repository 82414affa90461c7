/** The throughput estimate of a model, fetched once the card is on screen. */
import type { Model } from "@airunway/client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ApiError, api, unwrap } from "../lib/api";
import { compact } from "../lib/format";
import { modelBillions } from "../lib/models";

export function useInView<T extends Element>(): [React.RefObject<T>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !ref.current) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true));
    io.observe(ref.current);
    return () => io.disconnect();
  }, [seen]);
  return [ref, seen];
}

export function useThroughput(model: Model, enabled: boolean, extra: { quantization?: string; kvCacheDtype?: string; tpSize?: number } = {}) {
  const billions = modelBillions(model);
  return useQuery({
    queryKey: ["throughput", model.id, extra],
    queryFn: () =>
      unwrap(
        api.GET("/api/installation/gpu-throughput", {
          params: {
            query: {
              modelId: model.id,
              paramCount: billions ? billions * 1e9 : undefined,
              contextLen: model.contextLength ?? undefined,
              tpSize: extra.tpSize ?? (model.minGpus && model.minGpus > 0 ? model.minGpus : undefined),
              quantization: extra.quantization as "fp8" | undefined,
              kvCacheDtype: extra.kvCacheDtype as "fp8" | undefined,
            },
          },
        }),
      ),
    enabled,
    staleTime: 300_000,
    retry: (n, err) => n < 2 && !(err instanceof ApiError && err.status < 500),
  });
}

export function Throughput({ model, enabled }: { model: Model; enabled: boolean }) {
  const [ref, seen] = useInView<HTMLParagraphElement>();
  const q = useThroughput(model, enabled && seen);
  let text = "";
  if (q.data) {
    const t = q.data;
    if (!t.lowConfidence && t.doesNotFit) text = "Does not fit — no room for KV cache";
    else {
      const parts = [`~${compact(t.perChatTokensPerSec)} tok/s per chat`];
      if (t.concurrentSequences) parts.push(`~${compact(t.concurrentSequences)} concurrent`);
      if (t.aggregateTokensPerSec) parts.push(`~${compact(t.aggregateTokensPerSec)} tok/s total`);
      text = parts.join(" · ");
    }
  }
  return (
    <p
      ref={ref}
      className={q.data && !q.data.lowConfidence && q.data.doesNotFit ? "text-xs text-red-800 dark:text-red-300" : "text-xs text-slate-600 dark:text-slate-400"}
      title="Heuristic: memory bandwidth over weight size, and KV cache room on the cluster's largest GPU pool"
      data-testid="throughput"
    >
      {text}
    </p>
  );
}
