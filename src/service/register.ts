// First run without an App (`npm run app` with no APP_ID, outside production): probot's own setup page
// registers a GitHub App from app.yml and writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env. It
// takes no webhooks; started again, the service reads .env (npm run app's --env-file-if-exists) and serves.
import type { Logger } from "pino";
import { run } from "probot";

export async function serveRegistration(log: Logger): Promise<void> {
  log.warn(
    "APP_ID is not set: serving probot's setup page to register a GitHub App from app.yml (it writes .env); " +
      "no webhooks are taken until `npm run app` is started again with the App's credentials",
  );
  // A function, not argv: probot then reads only the environment (HOST, PORT, GHE_HOST, .env).
  await run(() => undefined);
}
