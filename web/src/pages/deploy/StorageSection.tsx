/** Storage volumes of the form (≤ 8): new PVCs the controller creates, or existing ones. */
import { useQuery } from "@tanstack/react-query";
import { Button } from "../../components/ui";
import { api, unwrap } from "../../lib/api";
import { MAX_VOLUMES, type FieldErrors, type VolumeForm } from "../../lib/formRules";
import { Field, RadioGroup, Section, Switch, TextField } from "./Fields";

const ACCESS = [
  ["ReadWriteMany", "Multi-node read/write"],
  ["ReadWriteOnce", "Single node read/write"],
  ["ReadOnlyMany", "Multi-node read only"],
  ["ReadWriteOncePod", "Single pod read/write"],
] as const;

export function newVolume(index: number): VolumeForm {
  return { name: `vol-${index + 1}`, purpose: "custom", mountPath: "", source: "new", size: "100Gi", accessMode: "ReadWriteMany", storageClassName: "", claimName: "", readOnly: false };
}

export function StorageSection(props: { namespace: string; volumes: VolumeForm[]; errors: FieldErrors; onChange: (v: VolumeForm[]) => void }) {
  const pvcs = useQuery({
    queryKey: ["pvcs", props.namespace],
    queryFn: () => unwrap(api.GET("/api/deployments/-/pvcs", { params: { query: { namespace: props.namespace } } })),
    enabled: props.volumes.some((v) => v.source === "existing") && !!props.namespace,
    staleTime: 30_000,
  });
  const set = (i: number, patch: Partial<VolumeForm>) => props.onChange(props.volumes.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  return (
    <Section title="Storage Volumes">
      {props.volumes.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">Optional: caches and data disks mounted into every instance.</p>}
      {props.volumes.map((v, i) => {
        const err = (f: string) => props.errors[`volumes.${i}.${f}`];
        return (
          <fieldset key={i} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
            <legend className="px-1 text-sm font-medium">Volume {i + 1}</legend>
            <div className="grid gap-3 md:grid-cols-3">
              <TextField label="Name" value={v.name} onChange={(name) => set(i, { name })} error={err("name")} />
              <Field label="Purpose" error={err("purpose")}>
                {({ id, describedBy }) => (
                  <select id={id} aria-describedby={describedBy} value={v.purpose} onChange={(e) => set(i, { purpose: e.target.value as VolumeForm["purpose"] })}>
                    <option value="modelCache">Model Cache</option>
                    <option value="compilationCache">Compilation Cache</option>
                    <option value="custom">Custom</option>
                  </select>
                )}
              </Field>
              <TextField
                label="Container path"
                value={v.mountPath}
                placeholder={v.purpose === "modelCache" ? "/model-cache" : v.purpose === "compilationCache" ? "/compilation-cache" : "/data"}
                onChange={(mountPath) => set(i, { mountPath })}
                error={err("mountPath")}
              />
            </div>
            <div className="mt-3">
              <RadioGroup
                legend="Disk Source"
                value={v.source}
                onChange={(source) => set(i, { source })}
                columns
                options={[
                  { value: "new", label: "New disk" },
                  { value: "existing", label: "Existing disk" },
                ]}
              />
            </div>
            <div className="mt-3 grid gap-3 md:grid-cols-3">
              {v.source === "new" ? (
                <>
                  <TextField label="Disk Size" value={v.size} onChange={(size) => set(i, { size })} error={err("size")} />
                  <Field label="Sharing">
                    {({ id }) => (
                      <select id={id} value={v.accessMode} onChange={(e) => set(i, { accessMode: e.target.value })}>
                        {ACCESS.map(([value, label]) => (
                          <option key={value} value={value}>
                            {label}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <TextField label="Storage Type (optional)" value={v.storageClassName} onChange={(storageClassName) => set(i, { storageClassName })} />
                </>
              ) : (
                <>
                  <Field label="Disk" error={err("claimName")} hint={pvcs.data && pvcs.data.pvcs.length === 0 ? "No existing disks found in this namespace" : undefined}>
                    {({ id, describedBy, invalid }) => (
                      <select id={id} aria-describedby={describedBy} aria-invalid={invalid} value={v.claimName} onChange={(e) => set(i, { claimName: e.target.value })}>
                        <option value="">Select a disk...</option>
                        {(pvcs.data?.pvcs ?? []).map((p) => (
                          <option key={p.name} value={p.name}>
                            {p.name} {p.capacity ? `(${p.capacity})` : ""}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Switch label="Read Only" checked={v.readOnly} onChange={(readOnly) => set(i, { readOnly })} />
                </>
              )}
            </div>
            <Button variant="ghost" className="mt-2" onClick={() => props.onChange(props.volumes.filter((_, j) => j !== i))}>
              Remove volume {i + 1}
            </Button>
          </fieldset>
        );
      })}
      {props.volumes.length < MAX_VOLUMES && (
        <div>
          <Button variant="secondary" onClick={() => props.onChange([...props.volumes, newVolume(props.volumes.length)])}>
            Add volume
          </Button>
        </div>
      )}
    </Section>
  );
}
