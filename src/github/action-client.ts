// The Action's API client: @octokit/rest with the same retry and throttling plugins probot uses
// (probot's own Octokit is not bundled into the Action).
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { GitHub, Log } from "./types.js";

const ActionOctokit = Octokit.plugin(retry, throttling);

export function actionClient(token: string, baseUrl: string, log: Log): GitHub {
  return new ActionOctokit({
    auth: token,
    baseUrl,
    userAgent: "reachdiff-action",
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
    throttle: {
      onRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, retries: number) => {
        log.warn(`rate limit on ${options.method} ${options.url}; retrying in ${after} s`);
        return retries < 2 && after <= 60;
      },
      onSecondaryRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, retries: number) => {
        log.warn(`secondary rate limit on ${options.method} ${options.url}; retrying in ${after} s`);
        return retries < 2 && after <= 60;
      },
    },
  });
}
