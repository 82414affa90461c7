// Drift check of the generated client: regenerate from ../openapi.json into memory and
// compare with the committed src/schema.gen.ts. Run by `make generated`; exit 1 on a difference.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const spec = new URL("../../openapi.json", import.meta.url);
const fresh = astToString(await openapiTS(spec));
const committed = readFileSync(here("../src/schema.gen.ts"), "utf8");
// The CLI prepends a banner; compare the generated body only.
if (!committed.endsWith(fresh)) {
  console.error(
    "clients/ts/src/schema.gen.ts differs from what clients/openapi.json generates; run: make generate",
  );
  process.exit(1);
}
console.log("clients/ts/src/schema.gen.ts is current");
