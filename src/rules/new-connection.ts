import type { Rule } from "./rule.js";
import { causeAt, gained } from "./helpers.js";

const ns = (id: string) => id.split("/")[0];

export const rule: Rule = {
  id: "new-connection",
  severity: "low",
  title: "New connection inside a namespace",
  explanation: "Two workloads of the same namespace can talk on ports they could not use before.",
  fix: "Confirm the new flow is intended and limited to the ports it needs.",
  messages: {
    self: "pods of {{from}} can now reach each other on {{ports}}",
    gained: "{{from}} can now reach {{to}} on {{ports}}",
  },
  check(ctx) {
    return ctx.connections
      .filter(
        (c) =>
          c.from !== "ip:" &&
          c.to !== "ip:" &&
          ns(c.from) === ns(c.to) &&
          c.change !== "removed" &&
          !gained(c).isEmpty(),
      )
      .map((c) => ({
        messageId: c.from === c.to ? "self" : "gained",
        data: { from: c.from, to: c.to, ports: `${gained(c)}` },
        objects: [c.from, c.to],
        ...causeAt(c),
      }));
  },
};
