// A problem found in the input. Every diagnostic names a file and a line, so that a reviewer can
// find it, and nothing that could not be read is dropped without one.

export type DiagnosticSeverity = "error" | "warning" | "info";

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly file: string;
  /** 1-based; 0 when the problem is the file as a whole. */
  readonly line: number;
  readonly message: string;
  /** The object it concerns, as `ns/Kind/name`, when there is one. */
  readonly object?: string;
  /** A stable code for diagnostics that rules or reports recognise (e.g. render-failed, see src/render/codes.ts). */
  readonly code?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  return `${where}: ${d.severity}: ${d.message}${d.object ? ` (${d.object})` : ""}`;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  error(file: string, line: number, message: string, object?: string): void {
    this.add({ severity: "error", file, line, message, object });
  }

  warning(file: string, line: number, message: string, object?: string): void {
    this.add({ severity: "warning", file, line, message, object });
  }

  info(file: string, line: number, message: string, object?: string): void {
    this.add({ severity: "info", file, line, message, object });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
}
