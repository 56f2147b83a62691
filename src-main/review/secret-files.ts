import type { DiffFile, SecretWarning } from '../../src-common/domain/diff';

/** Files whose name says they hold secrets, and what they are. Templates (`.env.example`) are not. */
const SECRET_NAMES: { test: (name: string, rel: string) => boolean; reason: string }[] = [
  { test: (n) => /^\.env(\..+)?$/.test(n) && !/\.(example|sample|template|dist|defaults?)$/.test(n), reason: 'an environment file' },
  { test: (n) => /^(id_rsa|id_dsa|id_ecdsa|id_ed25519)$/.test(n), reason: 'an SSH private key' },
  { test: (n) => /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg)$/.test(n), reason: 'a private key or key store' },
  { test: (n) => /^(\.npmrc|\.pypirc|\.netrc|_netrc|\.git-credentials|\.htpasswd|\.pgpass|\.dockercfg)$/.test(n), reason: 'a credentials file' },
  { test: (n, rel) => /(^|\/)\.(aws|docker|kube|ssh)\//.test(rel) && /^(credentials|config(\.json)?)$/.test(n), reason: 'a credentials file' },
  { test: (n) => /^(credentials|secrets?)(\.[a-z]+)?$/.test(n) || /(service[-_]?account|credentials|secret)[^/]*\.json$/.test(n), reason: 'a credentials file' },
  { test: (n) => /\.tfvars(\.json)?$/.test(n) || n === 'terraform.tfstate', reason: 'Terraform variables or state' },
];

/** Secrets recognisable in a line's text (keys and tokens with a known shape). */
const SECRET_TEXT: { pattern: RegExp; reason: string }[] = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, reason: 'a private key' },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, reason: 'an AWS access key' },
  { pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/, reason: 'an Anthropic API key' },
  { pattern: /\bsk-(proj-)?[A-Za-z0-9_-]{32,}/, reason: 'an OpenAI API key' },
  { pattern: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{50,}/, reason: 'a GitHub token' },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, reason: 'a Slack token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, reason: 'a Google API key' },
];

/**
 * The changes of a diff that look like secrets: files the agent added whose name says so (`.env`,
 * `id_rsa`, `*.pem`, credentials files), and added lines holding a key or token of a known shape.
 */
export function secretWarnings(files: readonly DiffFile[]): SecretWarning[] {
  const warnings: SecretWarning[] = [];
  for (const file of files) {
    const rel = file.newPath;
    if (!rel || file.status === 'deleted') continue;
    const name = rel.split('/').pop()!.toLowerCase();
    const named = file.status !== 'modified' ? SECRET_NAMES.find((s) => s.test(name, rel.toLowerCase())) : undefined;
    if (named) {
      warnings.push({ path: rel, reason: `looks like ${named.reason}` });
      continue;
    }
    for (const hunk of file.hunks) {
      const found = hunk.lines.filter((l) => l.kind === 'add').map((l) => SECRET_TEXT.find((s) => s.pattern.test(l.text)) ?? null).find((s) => s !== null);
      if (found) {
        warnings.push({ path: rel, reason: `holds what looks like ${found.reason}` });
        break;
      }
    }
  }
  return warnings;
}
