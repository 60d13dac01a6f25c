// Parses `/reachdiff` commands. Only the first line counts, and only when it is plain text: a quoted
// line (`> /reachdiff`), an indented or fenced code block, or inline code never runs anything.
export type SlashCommand =
  | { readonly kind: "run" }
  | { readonly kind: "help" }
  | {
      readonly kind: "explain";
      readonly from: string;
      readonly to: string;
      readonly port?: number;
      readonly protocol: "TCP" | "UDP" | "SCTP";
    }
  | { readonly kind: "invalid"; readonly reason: string };

const COMMAND = "/reachdiff";

/** Longer than any Kubernetes id (namespace 63 + kind + name 253) or address: refused, never echoed. */
const MAX_ID_LENGTH = 400;

export const HELP = `**Reachdiff commands** (first line of a new comment; people with write access):

- \`/reachdiff\` or \`/reachdiff run\`: review the current head of this pull request again
- \`/reachdiff explain <from-id> <to-id> [port[/protocol]]\`: which policies allow or deny that connection in the head
  (ids are \`namespace/Kind/name\` or \`ip:<address or CIDR>\`, e.g. \`/reachdiff explain shop/Deployment/web db/StatefulSet/pg 5432\`)
- \`/reachdiff help\`: this help`;

export function parseSlashCommand(body: string): SlashCommand | null {
  const first = body.split(/\r?\n/, 1)[0] ?? "";
  // Up to three spaces of indentation are plain text in Markdown; four or a tab make a code block.
  if (/^( {4,}|\t)/.test(first)) return null;
  const line = first.trim();
  if (!line.startsWith(COMMAND)) return null; // also rules out "> /reachdiff", "`/reachdiff`", "```"
  const rest = line.slice(COMMAND.length);
  if (rest !== "" && !/^\s/.test(rest)) return null; // "/reachdiffer" is another word
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const [verb, ...args] = words;
  if (verb === undefined || verb === "run")
    return args.length ? { kind: "invalid", reason: `\`run\` takes no arguments` } : { kind: "run" };
  if (verb === "help") return { kind: "help" };
  if (verb === "explain") {
    if (args.length < 2 || args.length > 3)
      return { kind: "invalid", reason: "`explain` needs a source id, a destination id and optionally a port" };
    const [from, to, portText] = args;
    if (from.length > MAX_ID_LENGTH || to.length > MAX_ID_LENGTH)
      return { kind: "invalid", reason: `an id is longer than ${MAX_ID_LENGTH} characters` };
    if (portText === undefined) return { kind: "explain", from, to, protocol: "TCP" };
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(portText);
    const port = m ? Number(m[1]) : NaN;
    if (!m || port < 1 || port > 65535)
      return {
        kind: "invalid",
        reason: `\`${portText.replace(/`/g, "").slice(0, 40)}\` is not a port (1-65535, optionally /TCP, /UDP or /SCTP)`,
      };
    return { kind: "explain", from, to, port, protocol: (m[2]?.toUpperCase() ?? "TCP") as "TCP" | "UDP" | "SCTP" };
  }
  return { kind: "invalid", reason: `unknown command \`${verb.replace(/`/g, "").slice(0, 40)}\`` };
}
