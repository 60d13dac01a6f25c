// The layers of docs/architecture.md, checked on the imports of src/: every import between folders
// follows an allowed arrow, and the folders have no cycle. Imports are read with a small parser
// (static `import`/`export ... from` and `import("...")` of relative paths).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/** The pure chain, lowest first: each may import only those before it. */
const CHAIN = ["core", "config", "manifests", "model", "analysis", "rules", "report", "review"];
/** The edges and the doors: what each may import besides itself. */
const EDGES: Record<string, readonly string[]> = {
  render: ["core", "config", "manifests"],
  sources: ["core", "config", "manifests", "model", "render"],
  // The loaders of a repository's sides and environments (files, git, archives, renders).
  snapshot: ["core", "config", "manifests", "model", "render", "sources"],
  environments: ["core", "config", "manifests", "model", "render", "sources", "snapshot", "review"],
  github: [...CHAIN, "render", "sources", "snapshot", "environments"],
  queue: [...CHAIN, "render", "sources", "snapshot", "environments", "github"],
  cli: [...CHAIN, "render", "sources", "snapshot", "environments"],
  action: [...CHAIN, "github"],
  app: [...CHAIN, "github", "queue"],
  service: [...CHAIN, "github", "queue", "app"],
};
/** Arrows against the order that are known and not yet removed, each with why (see docs/architecture.md). */
const KNOWN: Record<string, string> = {
  "rules -> report":
    "rules word their messages with report/names.ts and addresses.ts until findings carry typed data only",
};

function allowed(from: string, to: string): boolean {
  const i = CHAIN.indexOf(from);
  if (i >= 0) return CHAIN.indexOf(to) >= 0 && CHAIN.indexOf(to) < i;
  return (EDGES[from] ?? []).includes(to);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** src/x/... -> x; a file at the top (src/app.ts) is its own folder. */
const folderOf = (file: string) => relative(SRC, file).split(/[\\/]/)[0].replace(/\.ts$/, "");

function edges(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)["'](\.[^"']+)["']/gm)) {
      const target = resolve(dirname(file), m[1]).replace(/\.js$/, ".ts");
      const [a, b] = [folderOf(file), folderOf(target)];
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      out.set(key, [...(out.get(key) ?? []), relative(SRC, file)]);
    }
  }
  return out;
}

describe("layers (docs/architecture.md)", () => {
  const found = edges();

  it("finds the imports (the parser works)", () => {
    expect(found.get("review -> rules")?.length).toBeGreaterThan(0);
    expect(found.get("cli -> review")?.length).toBeGreaterThan(0);
  });

  it("every import between folders follows an allowed arrow", () => {
    const against = [...found.keys()].filter((k) => {
      const [a, b] = k.split(" -> ");
      return !allowed(a, b) && !KNOWN[k];
    });
    expect(against.map((k) => `${k} (${found.get(k)!.join(", ")})`)).toEqual([]);
  });

  it("the known exceptions still exist (remove them from KNOWN once fixed)", () => {
    for (const k of Object.keys(KNOWN)) expect(found.has(k), k).toBe(true);
  });

  it("no cycle between folders (besides the known exceptions)", () => {
    const next = new Map<string, string[]>();
    for (const k of found.keys()) {
      if (KNOWN[k]) continue;
      const [a, b] = k.split(" -> ");
      next.set(a, [...(next.get(a) ?? []), b]);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === "done") return;
      if (state.get(n) === "open") {
        cycles.push([...path.slice(path.indexOf(n)), n].join(" -> "));
        return;
      }
      state.set(n, "open");
      for (const m of next.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, "done");
    };
    for (const n of next.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});
