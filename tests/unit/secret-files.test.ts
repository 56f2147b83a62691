import { describe, expect, it } from 'vitest';
import type { DiffFile } from '../../src-common/domain/diff';
import { secretWarnings } from '../../src-main/review/secret-files';

function file(newPath: string, status: DiffFile['status'] = 'added', added: string[] = []): DiffFile {
  return {
    oldPath: status === 'added' ? null : newPath,
    newPath,
    status,
    binary: false,
    oldMode: null,
    newMode: null,
    additions: added.length,
    deletions: 0,
    collapsed: false,
    hunks: [{ header: '@@', oldStart: 0, oldLines: 0, newStart: 1, newLines: added.length, lines: added.map((text, i) => ({ kind: 'add' as const, oldNo: null, newNo: i + 1, text })) }],
  };
}

describe('secret warnings in a review', () => {
  it('name files the agent added whose name says they hold secrets, not templates or public keys', () => {
    const paths = ['.env', 'app/.env.production', '.env.local', 'deploy/id_ed25519', 'certs/server.key', 'tls.pem', '.npmrc', 'infra/prod.tfvars', 'gcp-service-account.json', 'home/.aws/credentials'];
    const harmless = ['.env.example', '.env.sample', 'id_ed25519.pub', 'src/env.ts', 'docs/secrets.md.txt', 'keys.ts', 'credentials.ts.bak'];
    const warned = secretWarnings([...paths, ...harmless].map((p) => file(p))).map((w) => w.path);
    expect(warned).toEqual(paths);
    expect(secretWarnings([file('.env')])[0]!.reason).toBe('looks like an environment file');
  });

  it('do not name a secret file the branch already had and only changed, nor a deleted one', () => {
    expect(secretWarnings([file('.env', 'modified', ['A=1']), file('old.pem', 'deleted')])).toEqual([]);
  });

  it('name an added line holding a key or token of a known shape, in any file', () => {
    const warnings = secretWarnings([
      file('src/config.ts', 'modified', ['const ok = 1;', `const key = "sk-ant-api03-${'x'.repeat(40)}";`]),
      file('scripts/aws.sh', 'added', ['export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE']),
      file('notes.md', 'added', ['-----BEGIN RSA PRIVATE KEY-----']),
      file('README.md', 'modified', ['Set ANTHROPIC_API_KEY=sk-ant-... in your shell']),
    ]);
    expect(warnings).toEqual([
      { path: 'src/config.ts', reason: 'holds what looks like an Anthropic API key' },
      { path: 'scripts/aws.sh', reason: 'holds what looks like an AWS access key' },
      { path: 'notes.md', reason: 'holds what looks like a private key' },
    ]);
  });
});
