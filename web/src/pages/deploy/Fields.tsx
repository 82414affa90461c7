/** Labelled form controls that carry their hint and inline error (aria-describedby/invalid). */
import { useId, type ReactNode } from "react";
import { cx } from "../../components/ui";

export function Field(props: {
  label: string;
  error?: string;
  hint?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {props.label}
      </label>
      {props.children({ id, describedBy, invalid: !!props.error })}
      {props.hint && (
        <p id={hintId} className="text-xs text-slate-600 dark:text-slate-400">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} className="text-xs font-medium text-red-700 dark:text-red-300" data-testid="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function TextField(props: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: ReactNode; placeholder?: string; required?: boolean }) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          value={props.value}
          placeholder={props.placeholder}
          required={props.required}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => props.onChange(e.target.value)}
          className={cx(invalid && "border-red-600 dark:border-red-400")}
        />
      )}
    </Field>
  );
}

export function NumberField(props: { label: string; value: number; onChange: (v: number) => void; min: number; max: number; error?: string; hint?: ReactNode }) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="number"
          min={props.min}
          max={props.max}
          value={Number.isNaN(props.value) ? "" : props.value}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => props.onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))}
          className={cx("w-32", invalid && "border-red-600 dark:border-red-400")}
        />
      )}
    </Field>
  );
}

export function Switch(props: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="checkbox" role="switch" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} className="mt-0.5" />
      <label htmlFor={id} className="text-sm">
        <span className="font-medium">{props.label}</span>
        {props.hint && <span className="block text-xs text-slate-600 dark:text-slate-400">{props.hint}</span>}
      </label>
    </div>
  );
}

export function RadioGroup<T extends string>(props: {
  legend: string;
  value: T;
  onChange: (v: T) => void;
  options: { value: T; label: ReactNode; description?: ReactNode; disabled?: boolean; badge?: ReactNode }[];
  columns?: boolean;
}) {
  const name = useId();
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium">{props.legend}</legend>
      <div className={cx("grid gap-2", props.columns && "md:grid-cols-2")}>
        {props.options.map((o) => (
          <label
            key={o.value}
            className={cx(
              "flex cursor-pointer items-start gap-2 rounded-md border p-3 text-sm",
              props.value === o.value ? "border-cyan-700 bg-cyan-50 dark:border-cyan-400 dark:bg-cyan-950/40" : "border-slate-300 dark:border-slate-600",
              o.disabled && "cursor-not-allowed opacity-60",
            )}
          >
            <input type="radio" name={name} value={o.value} checked={props.value === o.value} disabled={o.disabled} onChange={() => props.onChange(o.value)} className="mt-0.5" />
            <span className="flex-1">
              <span className="flex items-center justify-between gap-2 font-medium">
                {o.label}
                {o.badge}
              </span>
              {o.description && <span className="mt-0.5 block text-xs text-slate-600 dark:text-slate-400">{o.description}</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900" aria-label={title}>
      <h2 className="mb-3 text-base font-semibold">{title}</h2>
      <div className="flex flex-col gap-4">{children}</div>
    </section>
  );
}

export function Disclosure({ title, children, open, onToggle }: { title: string; children: ReactNode; open: boolean; onToggle: (o: boolean) => void }) {
  const id = useId();
  return (
    <div>
      <button type="button" aria-expanded={open} aria-controls={id} onClick={() => onToggle(!open)} className="text-sm font-medium text-cyan-800 hover:underline dark:text-cyan-300">
        {open ? "▾" : "▸"} {title}
      </button>
      <div id={id} hidden={!open} className="mt-3 flex flex-col gap-4">
        {open && children}
      </div>
    </div>
  );
}
