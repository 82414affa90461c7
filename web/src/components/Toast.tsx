/** One global toaster (one toast visible at a time), announced to screen readers. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { cx } from "./ui";

type Variant = "default" | "success" | "destructive" | "warning";
interface Toast {
  id: number;
  title: string;
  description?: string;
  variant: Variant;
}

const ToastContext = createContext<(t: Omit<Toast, "id" | "variant"> & { variant?: Variant }) => void>(() => {});

const STYLES: Record<Variant, string> = {
  default: "border-slate-300 bg-white text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100",
  success: "border-green-400 bg-green-50 text-green-950 dark:border-green-700 dark:bg-green-950 dark:text-green-100",
  destructive: "border-red-400 bg-red-50 text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100",
  warning: "border-amber-400 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<Toast | null>(null);
  const show = useCallback((t: Omit<Toast, "id" | "variant"> & { variant?: Variant }) => {
    setToast({ ...t, variant: t.variant ?? "default", id: Date.now() });
  }, []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), toast.variant === "destructive" ? 10_000 : 5_000);
    return () => clearTimeout(timer);
  }, [toast]);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div aria-live="polite" role="status" className="pointer-events-none fixed right-4 bottom-4 z-50 w-96 max-w-[calc(100vw-2rem)]">
        {toast && (
          <div key={toast.id} data-testid="toast" className={cx("pointer-events-auto rounded-md border p-3 shadow-lg", STYLES[toast.variant])}>
            <div className="flex justify-between gap-2">
              <p className="font-semibold">{toast.title}</p>
              <button type="button" aria-label="Dismiss notification" className="text-sm opacity-70 hover:opacity-100" onClick={() => setToast(null)}>
                ✕
              </button>
            </div>
            {toast.description && <p className="mt-1 text-sm break-words">{toast.description}</p>}
          </div>
        )}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
