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

const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

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
  private readonly templates = new Map<string, TemplateDocument[]>();
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

  /**
   * A Helm template: the place in it of the document that made this object (its `kind:` line, else the
   * document's first line). A template may hold several objects of one kind: the document is chosen by
   * the kind and by the name template matching the rendered name (`{{ .Values.name }}-external` before
   * the bare `{{ .Values.name }}`), each document given to one object, in order when nothing else tells.
   */
  template(path: string, data: Record<string, unknown>, outputLine: number): RenderedSource | undefined {
    let docs = this.templates.get(path);
    if (!docs) {
      const bytes = this.tree.read(path);
      if (!bytes) return undefined;
      docs = templateDocuments(bytes.toString("utf8"));
      this.templates.set(path, docs);
    }
    const want = metaOf(data);
    let best: TemplateDocument | undefined;
    let bestScore = -1;
    for (const d of docs) {
      if (d.kind !== undefined && d.kind !== want.kind) continue;
      const named = d.name ? d.name.pattern.test(want.name) : true;
      if (!named) continue;
      // A literal kind beats a templated one, a more literal name beats a looser one, an unused document a used one.
      const score = (d.kind ? 4 : 0) + (d.name ? 2 + d.name.literal / 1000 : 0) + (d.used ? 0 : 100);
      if (score > bestScore) {
        best = d;
        bestScore = score;
      }
    }
    const line = best ? best.line : 1;
    if (best) best.used = true;
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

interface TemplateDocument {
  /** Line of the document's `kind:` (or its first line), 1-based. */
  readonly line: number;
  /** Its literal kind; undefined when templated or absent. */
  readonly kind?: string;
  /** Its metadata.name as a pattern: template actions match anything; `literal` counts the fixed characters. */
  readonly name?: { readonly pattern: RegExp; readonly literal: number };
  used: boolean;
}

/** The documents of a Helm template (split at `---` lines), with their literal kind and name pattern. */
function templateDocuments(text: string): TemplateDocument[] {
  const lines = text.split("\n");
  const docs: TemplateDocument[] = [];
  let start = 0;
  const close = (end: number) => {
    let kindLine = -1;
    let kind: string | undefined;
    let name: TemplateDocument["name"];
    let inMetadata = false;
    for (let i = start; i < end; i++) {
      const l = lines[i];
      const k = /^kind:\s*["']?([A-Za-z0-9]+)["']?\s*(?:#.*)?$/.exec(l);
      if (k && kindLine < 0) {
        kindLine = i;
        kind = k[1];
      } else if (/^kind:/.test(l) && kindLine < 0) kindLine = i;
      if (/^metadata:\s*$/.test(l)) inMetadata = true;
      else if (/^\S/.test(l) && !/^\{\{/.test(l)) inMetadata = false;
      else if (inMetadata && !name) {
        const n = /^ {1,4}name:\s*(.+?)\s*$/.exec(l);
        if (n) name = namePattern(n[1]);
      }
    }
    const hasContent = lines.slice(start, end).some((l) => /^[A-Za-z]/.test(l));
    if (hasContent)
      docs.push({
        line: (kindLine >= 0 ? kindLine : lines.slice(start, end).findIndex((l) => /^[A-Za-z]/.test(l)) + start) + 1,
        kind,
        name,
        used: false,
      });
  };
  lines.forEach((l, i) => {
    if (/^---(\s|$)/.test(l)) {
      close(i);
      start = i + 1;
    }
  });
  close(lines.length);
  return docs;
}

/** A name template as a pattern: quotes dropped, each `{{ ... }}` matching any text. */
function namePattern(raw: string): TemplateDocument["name"] {
  const text = raw.replace(/\s+#.*$/, "").replace(/^(["'])(.*)\1$/, "$2");
  const parts = text.split(/\{\{.*?\}\}/);
  const literal = parts.join("").length;
  const pattern = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return { pattern, literal };
}
