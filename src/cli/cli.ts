// The `reachdiff` command: argv, dispatch to one module per command, exit codes. The commands do the
// work through the shared core; this file only decides what to run and how it ends (main.ts runs it).
import { parseArgs } from "node:util";
import { closest, distance } from "fastest-levenshtein";
import { UnknownEndpoint } from "../analysis/explain.js";
import { ConfigError } from "../config/load-config.js";
import { packageVersion } from "../manifests/package-version.js";
import { SideError } from "../snapshot.js";
import { type Command, EXIT, EXIT_HELP, InputError, UsageError } from "./command.js";
import { deps } from "./deps.js";
import { diff } from "./diff.js";
import { explain } from "./explain.js";
import { exposure } from "./exposure.js";
import { reach } from "./reach.js";
import { rules } from "./rules.js";

const COMMANDS: Record<string, Command> = { reach, deps, diff, rules, explain, exposure };

/** " (did you mean X?)" when one of the choices is a near miss of what was typed. */
function didYouMean(typed: string, choices: readonly string[]): string {
  if (!choices.length) return "";
  const near = closest(typed, [...choices]);
  return distance(typed, near) <= Math.max(2, Math.floor(typed.length / 3)) ? ` (did you mean ${near}?)` : "";
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `reachdiff ${packageVersion()}: what a change to Kubernetes manifests does to exposure and reachability

Usage: reachdiff <command> [options]
       reachdiff --version

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join("\n")}

Examples:
  reachdiff diff --base origin/main --head HEAD
  reachdiff reach manifests/
  reachdiff diff --help

${EXIT_HELP}
`;
}

const commandHelp = (c: Command) =>
  `Usage: ${c.usage}\n\n${c.help}\n\nExamples:\n${c.examples.map((e) => `  ${e}`).join("\n")}\n\n${EXIT_HELP}\n`;

/** parseArgs' "Unknown option '--x'" with a suggestion among the command's options. */
function unknownOption(e: Error, command: Command): string {
  const typed = /'(--?[^']+)'/.exec(e.message)?.[1];
  if (!typed?.startsWith("--")) return e.message;
  const names = Object.keys(command.options).map((o) => `--${o}`);
  return `unknown option ${typed}${didYouMean(typed, names)}`;
}

/** Runs one command line and returns its exit code; an error no command expects is exit 70, said on stderr. */
export function main(argv: string[], commands: Readonly<Record<string, Command>> = COMMANDS): number {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(
      `reachdiff: unknown command ${JSON.stringify(name)}${didYouMean(name, Object.keys(commands))}\nRun 'reachdiff --help' for the commands.\n`,
    );
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return command.run(values as Record<string, unknown>, positionals);
  } catch (e) {
    // A DOMException's code is a number: only Node's string codes name a parseArgs error.
    const raw = (e as { code?: unknown } | null)?.code;
    const code = typeof raw === "string" ? raw : undefined;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      process.stderr.write(`reachdiff ${name}: ${unknownOption(e as Error, command)}\nUsage: ${command.usage}\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError || code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`reachdiff ${name}: ${(e as Error).message}\nUsage: ${command.usage}\n`);
      return EXIT.usage;
    }
    if (e instanceof InputError || e instanceof UnknownEndpoint || e instanceof ConfigError || e instanceof SideError) {
      process.stderr.write(`reachdiff ${name}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`reachdiff ${name}: internal error (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
