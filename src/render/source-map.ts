// Where a rendered object comes from. Kustomize says it (the origin annotation we ask for names the
// resource file); Helm names the template in a "# Source:" comment; otherwise the object is looked
// up by kind, namespace and name among the unit's own manifest files. An object found nowhere points
// to the unit itself, and its source says that only the rendered output is known.
import { parseDocument } from "yaml";
import { posix } from "node:path";
import { Diagnostics } from "../manifests/diagnostics.js";
import { parseManifestText, type Path, type RawObject, type Source } from "../manifests/parse.js";
import type { UnitKind } from "./discover.js";
import type { FileTree } from "./tree.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/** What a rendered object's source adds to an ordinary one. */
export interface RenderedSource extends Source {
  readonly rendered: {
    /** The unit that rendered it (its kustomization, Chart.yaml or folder), as shown in output. */
    readonly unit: string;
    readonly tool: UnitKind;
    /**
     * "definition": file and line are the object's definition (a resource file, possibly patched by
     * the overlay); "template": the Helm template or generator that made it (line is approximate);
     * "output": only the rendered output is known, and file is the unit's anchor.
     */
    readonly located: "definition" | "template" | "output";
    /** Line of the object in the rendered output. */
    readonly outputLine: number;
  };
}

export function isRenderedSource(source: Source): source is RenderedSource {
  return typeof (source as Partial<RenderedSource>).rendered === "object";
}

type Meta = {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> };
};

const metaOf = (data: Record<string, unknown>) => {
  const d = data as Meta;
  return {
    kind: typeof d.kind === "string" ? d.kind : "",
    name: typeof d.metadata?.name === "string" ? d.metadata.name : "",
    namespace: typeof d.metadata?.namespace === "string" ? d.metadata.namespace : undefined,
  };
};

/** Removes the origin annotation we asked kustomize for, and returns its value. */
export function takeOrigin(
  data: Record<string, unknown>,
): { path?: string; repo?: string; configuredIn?: string } | undefined {
  const metadata = (data as Meta).metadata;
  const annotations = metadata?.annotations;
  if (!annotations || typeof annotations[ORIGIN_ANNOTATION] !== "string") return undefined;
  const text = annotations[ORIGIN_ANNOTATION] as string;
  delete annotations[ORIGIN_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete metadata!.annotations;
  try {
    const v = parseDocument(text).toJS() as Record<string, unknown>;
    return {
      path: typeof v.path === "string" ? v.path : undefined,
      repo: typeof v.repo === "string" ? v.repo : undefined,
      configuredIn: typeof v.configuredIn === "string" ? v.configuredIn : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * The best match for a rendered object among the objects of one file: same kind, then the same
 * name, else a name that the rendered one contains (namePrefix/nameSuffix), else the only one of
 * its kind. Namespace breaks ties.
 */
export function bestMatch(
  rendered: Record<string, unknown>,
  candidates: readonly RawObject[],
  loose = true,
): RawObject | undefined {
  const want = metaOf(rendered);
  const sameKind = candidates.filter((c) => metaOf(c.data).kind === want.kind);
  const score = (c: RawObject) => {
    const m = metaOf(c.data);
    const ns = m.namespace === want.namespace ? 1 : 0;
    if (m.name && m.name === want.name) return 3000 + ns;
    if (m.name && want.name.includes(m.name)) return 1000 + m.name.length * 2 + ns;
    return -1;
  };
  let best: RawObject | undefined;
  let bestScore = -1;
  for (const c of sameKind) {
    const s = score(c);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  if (best) return best;
  return loose && sameKind.length === 1 ? sameKind[0] : undefined;
}

export class SourceMapper {
  private readonly parsed = new Map<string, RawObject[]>();
  constructor(
    private readonly tree: FileTree,
    private readonly unit: { readonly kind: UnitKind; readonly anchor: string; readonly sources: readonly string[] },
  ) {}

  /** The objects of a file of the tree, parsed once; empty when it cannot be read. */
  objectsOf(path: string): RawObject[] {
    let objects = this.parsed.get(path);
    if (!objects) {
      const bytes = this.tree.read(path);
      objects = bytes ? parseManifestText(this.tree.display(path), bytes.toString("utf8"), new Diagnostics()) : [];
      this.parsed.set(path, objects);
    }
    return objects;
  }

  private make(
    file: string,
    line: number,
    lineOf: (p: Path) => number,
    located: RenderedSource["rendered"]["located"],
    outputLine: number,
  ): RenderedSource {
    return {
      file,
      line,
      lineOf,
      rendered: { unit: this.tree.display(this.unit.anchor), tool: this.unit.kind, located, outputLine },
    };
  }

  /** A source inside a known file of the tree, at the object's definition when it is found there. */
  inFile(path: string, data: Record<string, unknown>, outputLine: number): RenderedSource | undefined {
    if (!this.tree.isFile(path)) return undefined;
    const match = bestMatch(data, this.objectsOf(path));
    if (match)
      return this.make(match.source.file, match.source.line, (p) => match.source.lineOf(p), "definition", outputLine);
    return undefined;
  }

  /** A Helm template: the line of its `kind:` when the template has one, else its first line. */
  template(path: string, data: Record<string, unknown>, outputLine: number): RenderedSource | undefined {
    const bytes = this.tree.read(path);
    if (!bytes) return undefined;
    const kind = metaOf(data).kind;
    const lines = bytes.toString("utf8").split("\n");
    const at = lines.findIndex((l) => new RegExp(`^\\s*kind:\\s*["']?${kind.replace(/[^\w]/g, "")}["']?\\s*$`).test(l));
    const line = at >= 0 ? at + 1 : 1;
    return this.make(this.tree.display(path), line, () => line, "template", outputLine);
  }

  /** Looks the object up among the unit's manifest files. */
  search(data: Record<string, unknown>, outputLine: number): RenderedSource | undefined {
    const want = metaOf(data);
    let best: { source: RenderedSource; exact: boolean } | undefined;
    for (const path of this.unit.sources) {
      const match = bestMatch(data, this.objectsOf(path), false);
      if (!match) continue;
      const exact = metaOf(match.data).name === want.name;
      if (!best || (exact && !best.exact))
        best = {
          source: this.make(
            match.source.file,
            match.source.line,
            (p) => match.source.lineOf(p),
            "definition",
            outputLine,
          ),
          exact,
        };
      if (exact) break;
    }
    return best?.source;
  }

  /** Only the rendered output is known: the unit's anchor file. */
  output(outputLine: number): RenderedSource {
    return this.make(this.tree.display(this.unit.anchor), 1, () => 1, "output", outputLine);
  }
}

/** `# Source: chart/templates/x.yaml` lines of helm's output: output line -> template path in the tree. */
export function helmSources(output: string, chartDir: string): { line: number; path: string }[] {
  const out: { line: number; path: string }[] = [];
  output.split("\n").forEach((l, i) => {
    const m = /^# Source: (.+?)\s*$/.exec(l);
    if (!m) return;
    const inChart = m[1].split("/").slice(1).join("/");
    out.push({ line: i + 1, path: chartDir ? posix.join(chartDir, inChart) : inChart });
  });
  return out;
}
