// Who may run commands: people with write, maintain or admin permission on the repository, as the
// collaborator permission API reports it (it sees team and custom-role grants; author_association
// does not, and public repositories give everyone implicit read).
import { httpStatus, type GitHub, type Repo } from "./types.js";

export async function canWrite(gh: GitHub, repo: Repo, username: string): Promise<boolean> {
  try {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    const p = data.user?.permissions;
    if (p) return Boolean(p.push || p.maintain || p.admin);
    return data.permission === "admin" || data.permission === "write" || data.permission === "maintain";
  } catch (error) {
    if (httpStatus(error) === 404) return false; // not a collaborator, or not a user
    throw error;
  }
}
