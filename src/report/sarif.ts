// The findings as SARIF 2.1.0 (for GitHub code scanning and other SARIF viewers): the rule catalogue
// as the driver's rules, one result per finding with its file and line, and what could not be read
// as tool notifications.
import { createHash } from "node:crypto";
import type { Location, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { DiffResult } from "../rules/judge.js";
import type { Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { packageVersion } from "../manifests/package-version.js";
import { RULES } from "../rules/index.js";
import type { Finding } from "../rules/rule.js";
import { encodePath } from "./escape.js";
import { inEnvironment } from "./environments.js";

export type SarifLevel = "error" | "warning" | "note";

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === "critical" || severity === "high" ? "error" : severity === "medium" ? "warning" : "note";
}

/** GitHub code scanning ranks security alerts by this score (critical > 9, high 7-8.9, medium 4-6.9, low < 4). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "1.0",
};

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function location(file: string, line?: number): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodePath(file) },
      ...(line && line > 0 ? { region: { startLine: line } } : {}),
    },
  };
}

function notification(d: Diagnostic): Notification {
  return {
    level: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "note",
    message: { text: d.object ? `${d.message} (${d.object})` : d.message },
    locations: [location(d.file, d.line)],
  };
}

/**
 * A finding's identity for code scanning: its rule, message id, objects and distinguishing key, never its
 * wording (rewording a message must not open new alerts) nor its line (moving an object must not either).
 */
export function fingerprint(f: Finding): string {
  const identity = [f.rule, f.messageId, [...f.objects].sort(), f.key ?? []];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

export function renderSarif(r: DiffResult, options: { toolVersion?: string } = {}): Log {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "reachdiff",
            version: options.toolVersion ?? packageVersion(),
            rules: RULES.map(
              (rule): ReportingDescriptor => ({
                id: rule.id,
                name: rule.id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase()),
                shortDescription: { text: rule.title },
                fullDescription: { text: rule.explanation },
                help: { text: rule.fix },
                defaultConfiguration: { level: sarifLevel(rule.severity) },
                properties: {
                  tags: ["security", "kubernetes", "network"],
                  "security-severity": SECURITY_SEVERITY[rule.severity],
                },
              }),
            ),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...r.diagnostics.base, ...r.diagnostics.head]
              .filter((d) => d.severity !== "info")
              .map(notification),
          },
        ],
        results: r.findings.map(
          (f): Result => ({
            ruleId: f.rule,
            ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
            level: sarifLevel(f.severity),
            message: { text: `${f.message}${inEnvironment(f)}. Fix: ${f.fix}` },
            ...(f.file ? { locations: [location(f.file, f.line)] } : {}),
            partialFingerprints: { "reachdiff/v2": fingerprint(f) },
            properties: {
              severity: f.severity,
              objects: f.objects,
              messageId: f.messageId,
              ...(f.environment === undefined ? {} : { environment: f.environment }),
            },
          }),
        ),
      },
    ],
  };
}
