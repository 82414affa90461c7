/**
 * YAML / JSON view of manifests with light syntax colouring. Loaded lazily (with the `yaml`
 * serialiser) so neither reaches the first page.
 */
import * as Tabs from "@radix-ui/react-tabs";
import { useState, type ReactNode } from "react";
import { stringify } from "yaml";
import { Button } from "./ui";

const YAML_LINE = /^(\s*-?\s*)([^:#\s][^:#]*?)(:)(\s.*)?$/;

function highlightYaml(text: string): ReactNode[] {
  return text.split("\n").map((line, i) => {
    const m = YAML_LINE.exec(line);
    if (!m) return <div key={i}>{line || " "}</div>;
    const [, indent, key, colon, rest = ""] = m;
    return (
      <div key={i}>
        {indent}
        <span className="text-cyan-800 dark:text-cyan-300">{key}</span>
        {colon}
        <span className={/^\s*(\d+|true|false|null)\s*$/.test(rest) ? "text-purple-800 dark:text-purple-300" : "text-green-800 dark:text-green-300"}>{rest}</span>
      </div>
    );
  });
}

export default function ManifestViewer({ manifests }: { manifests: Record<string, unknown>[] }) {
  const [copied, setCopied] = useState(false);
  const yaml = manifests.map((m) => stringify(m)).join("---\n");
  const json = JSON.stringify(manifests.length === 1 ? manifests[0] : manifests, null, 2);
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  const pre = "max-h-[32rem] overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-5 dark:bg-slate-950";
  return (
    <Tabs.Root defaultValue="yaml">
      <div className="mb-2 flex items-center justify-between">
        <Tabs.List aria-label="Manifest format" className="flex gap-1">
          {["yaml", "json"].map((v) => (
            <Tabs.Trigger
              key={v}
              value={v}
              className="rounded-md px-3 py-1 text-sm data-[state=active]:bg-cyan-100 data-[state=active]:text-cyan-950 dark:data-[state=active]:bg-cyan-900 dark:data-[state=active]:text-cyan-50"
            >
              {v.toUpperCase()}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        <Button variant="secondary" onClick={() => copy(yaml)}>
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <Tabs.Content value="yaml">
        <pre className={pre} data-testid="manifest-yaml" tabIndex={0} aria-label="Manifest as YAML">
          <code>{highlightYaml(yaml)}</code>
        </pre>
      </Tabs.Content>
      <Tabs.Content value="json">
        <pre className={pre} tabIndex={0} aria-label="Manifest as JSON">
          <code>{json}</code>
        </pre>
      </Tabs.Content>
    </Tabs.Root>
  );
}
