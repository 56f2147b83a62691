import { gitProbe, gitRaw } from './git';

/** The GitHub `owner/name` of a remote, or null when it is not on GitHub. */
export function githubRepoOf(remoteUrl: string): string | null {
  const match = /github\.com[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remoteUrl.trim());
  return match ? `${match[1]}/${match[2]}` : null;
}

/** The repository's GitHub remote (name and owner/repo), preferring origin. */
export async function githubRemote(repo: string): Promise<{ remote: string; slug: string } | null> {
  const remotes = (await gitProbe(repo, ['remote']))?.split('\n').filter(Boolean) ?? [];
  for (const remote of [...remotes.filter((r) => r === 'origin'), ...remotes.filter((r) => r !== 'origin')]) {
    // The configured URL, not get-url's rewritten one (insteadOf rules may point it elsewhere).
    const url = await gitProbe(repo, ['config', '--get', `remote.${remote}.url`]);
    const slug = url ? githubRepoOf(url) : null;
    if (slug) return { remote, slug };
  }
  return null;
}

/** Pushes a branch to the remote, setting its upstream. */
export async function pushBranch(repo: string, remote: string, branch: string): Promise<void> {
  await gitRaw(repo, ['push', '--quiet', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
}
