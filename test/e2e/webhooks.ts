// Webhook payloads for the end-to-end tests: GitHub's community examples (@octokit/webhooks-examples),
// adapted to the test repository, then validated against GitHub's official webhook schemas
// (@octokit/openapi-webhooks) so that a fixture drifting from what GitHub sends fails loudly; and
// signed with the test secret like GitHub signs deliveries.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const read = (id: string) => JSON.parse(readFileSync(require.resolve(id), "utf8"));

type Json = Record<string, any>;

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/** Validates a payload against the official schema of `<event>-<action>` (e.g. pull-request-opened). */
export function validateWebhook(event: string, payload: Json): void {
  const key = `${event}-${payload.action}`.replace(/_/g, "-");
  if (!ajv) {
    const spec = read("@octokit/openapi-webhooks/generated/api.github.com.json");
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: "webhooks", components: spec.components, webhooks: spec.webhooks });
  }
  let v = validators.get(key);
  if (!v)
    validators.set(
      key,
      (v = ajv.compile({ $ref: `webhooks#/webhooks/${key}/post/requestBody/content/application~1json/schema` })),
    );
  if (!v(payload))
    throw new Error(
      `${key} payload does not match GitHub's schema: ${(v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ")}`,
    );
}

const examples: { name: string; examples: Json[] }[] = read("@octokit/webhooks-examples/api.github.com/index.json");
function example(event: string, action: string): Json {
  const found = examples.find((e) => e.name === event)?.examples.find((x) => x.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

export interface Target {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
}

// Fields GitHub has added since the community examples were recorded (the schema requires them).
const reactions = (url: string) => ({
  url,
  total_count: 0,
  "+1": 0,
  "-1": 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});
const app = (a: Json) => ({
  ...a,
  permissions: a.permissions ?? {
    checks: "write",
    contents: "read",
    pull_requests: "write",
    merge_queues: "read",
    metadata: "read",
  },
  events: a.events ?? ["pull_request", "issue_comment", "check_run", "check_suite", "merge_group"],
});

function repository(t: Target, base: Json): Json {
  return {
    has_discussions: false,
    disabled: false,
    ...base,
    name: t.repo,
    full_name: `${t.owner}/${t.repo}`,
    owner: { ...base.owner, login: t.owner },
    html_url: `https://github.com/${t.owner}/${t.repo}`,
  };
}

function person(base: Json, login: string, type: "User" | "Bot" = "User"): Json {
  return { ...base, login, type, html_url: `https://github.com/${login}` };
}

function pullRequestFields(
  pr: Json,
  t: Target,
  number: number,
  head: string,
  base: string,
  repo: Json,
  fork: boolean,
): Json {
  const headRepo = fork
    ? {
        has_discussions: false,
        ...repo,
        id: repo.id + 1,
        full_name: `fork-user/${t.repo}`,
        owner: { ...repo.owner, login: "fork-user" },
        fork: true,
      }
    : repo;
  return {
    ...pr,
    number,
    state: "open",
    auto_merge: pr.auto_merge ?? null,
    head: {
      ...pr.head,
      sha: head,
      ref: "feature",
      label: `dev:feature`,
      repo: { has_discussions: false, ...headRepo },
    },
    base: { ...pr.base, sha: base, ref: "main", label: `${t.owner}:main`, repo: { has_discussions: false, ...repo } },
  };
}

export function pullRequestEvent(
  t: Target,
  action: "opened" | "synchronize" | "reopened" | "ready_for_review" | "closed" | "edited",
  pr: { number: number; head: string; base: string; fork?: boolean; draft?: boolean; oldBase?: string },
): Json {
  // GitHub's examples have no pull_request.edited: it is opened's shape with `changes`.
  const p = example("pull_request", action === "edited" ? "opened" : action);
  if (action === "edited") {
    p.action = "edited";
    p.changes = { base: { ref: { from: "develop" }, sha: { from: pr.oldBase ?? pr.base } } };
  }
  p.repository = repository(t, p.repository);
  p.number = pr.number;
  p.pull_request = pullRequestFields(p.pull_request, t, pr.number, pr.head, pr.base, p.repository, pr.fork ?? false);
  if (action === "closed") Object.assign(p.pull_request, { state: "closed" });
  if (action === "ready_for_review") p.pull_request.draft = false;
  else if (pr.draft !== undefined) p.pull_request.draft = pr.draft;
  p.installation = { id: t.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  if (action === "synchronize") Object.assign(p, { before: pr.base, after: pr.head });
  p.sender = person(p.sender, "dev");
  return p;
}

export function issueCommentEvent(
  t: Target,
  c: {
    number: number;
    commentId: number;
    body: string;
    login: string;
    type?: "User" | "Bot";
    action?: "created" | "edited";
    before?: string;
  },
): Json {
  const p = example("issue_comment", c.action ?? "created");
  if (c.action === "edited") p.changes = { body: { from: c.before ?? "" } };
  p.repository = repository(t, p.repository);
  p.issue = {
    ...p.issue,
    number: c.number,
    // An issue_comment on a pull request: the issue carries a pull_request link (the examples have none).
    pull_request: {
      url: `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${c.number}`,
      html_url: `https://github.com/${t.owner}/${t.repo}/pull/${c.number}`,
      diff_url: `https://github.com/${t.owner}/${t.repo}/pull/${c.number}.diff`,
      patch_url: `https://github.com/${t.owner}/${t.repo}/pull/${c.number}.patch`,
      merged_at: null,
    },
  };
  p.issue.active_lock_reason ??= null;
  p.issue.reactions ??= reactions(p.issue.url);
  p.issue.labels = (p.issue.labels ?? []).map((l: Json) => ({ description: null, ...l }));
  p.comment = {
    performed_via_github_app: null,
    reactions: reactions(p.comment.url),
    ...p.comment,
    id: c.commentId,
    body: c.body,
    user: person(p.comment.user, c.login, c.type),
  };
  p.sender = person(p.sender, c.login, c.type);
  p.installation = { id: t.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return p;
}

export function checkRunRerequestedEvent(
  t: Target,
  run: { id: number; headSha: string; externalId: string; number: number; base: string },
): Json {
  const p = example("check_run", "rerequested");
  p.repository = repository(t, p.repository);
  p.check_run = {
    node_id: "CR_kwDO",
    details_url: "https://reachdiff.example/details",
    ...p.check_run,
    app: app(p.check_run.app),
    check_suite: { ...p.check_run.check_suite, app: app(p.check_run.check_suite.app) },
    id: run.id,
    name: "reachdiff",
    head_sha: run.headSha,
    external_id: run.externalId,
    pull_requests: [
      {
        ...(p.check_run.pull_requests?.[0] ?? {}),
        number: run.number,
        id: run.number,
        url: `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${run.number}`,
        head: { ref: "feature", sha: run.headSha, repo: { id: p.repository.id, name: t.repo, url: "" } },
        base: { ref: "main", sha: run.base, repo: { id: p.repository.id, name: t.repo, url: "" } },
      },
    ],
  };
  p.installation = { id: t.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return p;
}

const INSTALLATION = (t: Target) => ({ id: t.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" });

/** merge_group.checks_requested: the queue asks for the checks of its group's merge commit. */
export function mergeGroupEvent(
  t: Target,
  group: { head: string; base: string; pr: number; action?: "checks_requested" | "destroyed" },
): Json {
  const p = example("merge_group", "checks_requested");
  p.action = group.action ?? "checks_requested";
  if (p.action === "destroyed") p.reason = "dequeued";
  p.repository = repository(t, p.repository);
  p.merge_group = {
    ...p.merge_group,
    head_sha: group.head,
    head_ref: `refs/heads/gh-readonly-queue/main/pr-${group.pr}-${group.base}`,
    base_sha: group.base,
    base_ref: "refs/heads/main",
    head_commit: { ...p.merge_group.head_commit, id: group.head },
  };
  p.installation = INSTALLATION(t);
  return p;
}

/** check_suite.requested or rerequested of the App's suite on a head commit. */
export function checkSuiteEvent(
  t: Target,
  suite: { id: number; head: string; base: string; prs: number[]; action: "requested" | "rerequested" },
): Json {
  const p = example("check_suite", suite.action);
  p.repository = repository(t, p.repository);
  const template = p.check_suite.pull_requests?.[0] ?? {};
  p.check_suite = {
    ...p.check_suite,
    app: app(p.check_suite.app),
    id: suite.id,
    head_sha: suite.head,
    after: suite.head,
    head_commit: { ...p.check_suite.head_commit, id: suite.head },
    pull_requests: suite.prs.map((n) => ({
      ...template,
      number: n,
      id: n,
      url: `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${n}`,
      head: { ref: "feature", sha: suite.head, repo: { id: p.repository.id, name: t.repo, url: "" } },
      base: { ref: "main", sha: suite.base, repo: { id: p.repository.id, name: t.repo, url: "" } },
    })),
  };
  p.installation = INSTALLATION(t);
  return p;
}

/** installation.created (repos: the selected repositories) or installation_repositories.added. */
export function installationEvent(
  t: Target,
  event: "installation" | "installation_repositories",
  repos: string[],
): Json {
  const p = example(event, event === "installation" ? "created" : "added");
  const template = (event === "installation" ? p.repositories : p.repositories_added)[0];
  const list = repos.map((full, i) => ({ ...template, id: 100 + i, name: full.split("/")[1], full_name: full }));
  if (event === "installation") p.repositories = list;
  else p.repositories_added = list;
  p.installation = {
    ...p.installation,
    id: t.installationId,
    app_slug: "reachdiff-test",
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    suspended_by: null,
    suspended_at: null,
  };
  if (event === "installation_repositories") p.requester ??= null;
  return p;
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Sends a delivery over HTTP the way GitHub does. */
export async function deliver(
  url: string,
  secret: string,
  event: string,
  payload: Json,
  options: { signature?: string; deliveryId?: string } = {},
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.deliveryId ?? randomUUID(),
      "x-hub-signature-256": options.signature ?? sign(secret, body),
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
}

/** workflow_run.completed of the untrusted `pull_request` workflow of a fork PR: pull_requests is empty for forks. */
export function workflowRunCompletedEvent(t: Target, run: { headSha: string; workflow: string }): Json {
  const p = example("workflow_run", "completed");
  p.repository = repository(t, p.repository);
  p.workflow_run = {
    actor: p.sender,
    triggering_actor: p.sender,
    path: ".github/workflows/reachdiff.yml",
    ...p.workflow_run,
    name: run.workflow,
    event: "pull_request",
    head_sha: run.headSha,
    head_branch: "feature",
    conclusion: "failure",
    status: "completed",
    pull_requests: [],
    repository: repository(t, p.workflow_run.repository),
    head_repository: { ...repository(t, p.workflow_run.head_repository), full_name: `fork-user/${t.repo}` },
  };
  p.workflow = { ...p.workflow, name: run.workflow };
  return p;
}
