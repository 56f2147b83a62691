import type { SecretWarning } from '../../src-common/domain/diff';

/** The changes that look like secrets, said before anyone approves them. */
export function SecretWarnings({ warnings, approving }: { warnings: readonly SecretWarning[]; approving: boolean }) {
  if (warnings.length === 0) return null;
  const one = warnings.length === 1;
  const them = one ? 'it' : 'them';
  return (
    <div className="warning secret-warning" role="alert" data-testid="secret-warning">
      <p>
        <strong>{one ? 'A change looks like a secret' : `${warnings.length} changes look like secrets`}.</strong>{' '}
        {approving
          ? `Approving would merge ${them} into the base branch: send the task back or remove ${them} in the worktree, unless ${one ? 'it is' : 'they are'} meant to be committed.`
          : `Merging this branch would commit ${them}: remove ${them} in the worktree, unless ${one ? 'it is' : 'they are'} meant to be committed.`}
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w.path}>
            <span className="mono">{w.path}</span> {w.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
