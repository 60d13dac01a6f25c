// `reachdiff rules`: the rule catalogue.
import { rulesMarkdown, rulesText } from "../rules/catalogue.js";
import { choice, COMMON, type Command, EXIT } from "./command.js";

export const rules: Command = {
  summary: "list the risk rules (the catalogue behind every finding)",
  usage: "reachdiff rules [--format text|markdown]",
  options: { help: COMMON.help, format: { type: "string", short: "f", default: "text" } },
  help: `Lists every rule with its id, default severity and title; --format markdown prints docs/rules.md.

  -f, --format FORMAT    text (default) or markdown
  -h, --help             show this help`,
  examples: ["reachdiff rules", "reachdiff rules --format markdown > docs/rules.md"],
  run(values) {
    const format = choice(values, "format", ["text", "markdown"]);
    process.stdout.write(format === "markdown" ? rulesMarkdown() : rulesText());
    return EXIT.ok;
  },
};
