// A core in its own process that starts creating one worktree, for tests that kill it mid-way:
//   node --import tsx worktree-create-child.ts <dataDir> <repo> <branch> [initScript]
// It prints "project <id>" once the project is registered; it never finishes if the test kills it.
import type { Project } from '../../src-common/domain/project';
import { makeTestApp } from './test-app';
import { value } from './wait';

async function main(): Promise<void> {
  const [dataDir, repo, branch, initScript] = process.argv.slice(2);
  if (!dataDir || !repo || !branch) throw new Error('usage: worktree-create-child <dataDir> <repo> <branch> [initScript]');
  const app = makeTestApp(dataDir);
  await app.ready;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  if (initScript) value(await app.router.dispatch('projects:update', { id: project.id, config: { initScript } }));
  process.stdout.write(`project ${project.id}\n`);
  const result = await app.router.dispatch('worktrees:create', { projectId: project.id, branch });
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
  await app.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
