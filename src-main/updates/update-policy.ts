import type { UpdateStatus } from '../../src-common/domain/update';

/** First check this long after start (start-up has other work), then every {@link CHECK_INTERVAL_MS}. */
export const FIRST_CHECK_DELAY_MS = 30_000;
/** How often an opted-in app looks for an update. */
export const CHECK_INTERVAL_MS = 6 * 60 * 60_000;

/** Where updates come from. */
export type UpdateFeed = { kind: 'none' } | { kind: 'built-in' } | { kind: 'generic'; url: string };

/** The feed: the one in the settings, else the one built into the app (app-update.yml), else none. */
export function resolveFeed(settings: { feedUrl: string | null }, builtIn: boolean): UpdateFeed {
  if (settings.feedUrl) return { kind: 'generic', url: settings.feedUrl };
  return builtIn ? { kind: 'built-in' } : { kind: 'none' };
}

/** Whether agents can keep running while the app updates: not on Windows, where the installer must replace files the pty host holds. */
export function canKeepAgentsOnUpdate(platform: NodeJS.Platform): boolean {
  return platform !== 'win32';
}

/** What "Restart to update" does now. */
export type RestartPlan = { action: 'restart'; stopAgents: boolean } | { action: 'ask'; running: number; canKeep: boolean } | { action: 'refuse'; reason: string };

/**
 * Never restarts over running agents without asking: with agents running and no answer yet, ask;
 * an answer of "keep" is refused where the installer cannot work around them.
 */
export function restartPlan(platform: NodeJS.Platform, running: number, answer: 'keep' | 'stop' | undefined): RestartPlan {
  if (running === 0) return { action: 'restart', stopAgents: false };
  const canKeep = canKeepAgentsOnUpdate(platform);
  if (answer === undefined) return { action: 'ask', running, canKeep };
  if (answer === 'keep' && !canKeep) return { action: 'refuse', reason: 'On Windows the agents have to stop for the update to install.' };
  return { action: 'restart', stopAgents: answer === 'stop' };
}

/** Whether a downloaded update installs when the app quits: not when agents were kept running on Windows. */
export function installOnQuit(platform: NodeJS.Platform, agentsKept: boolean): boolean {
  return !(agentsKept && !canKeepAgentsOnUpdate(platform));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * Release notes as plain text: electron-updater hands over a string (often HTML from GitHub) or
 * notes per version; tags are dropped, list items and paragraphs become lines, entities decoded.
 */
export function releaseNotesText(notes: unknown, maxChars = 20_000): string | null {
  let text: string;
  if (typeof notes === 'string') text = notes;
  else if (Array.isArray(notes)) {
    text = notes
      .map((n: { version?: unknown; note?: unknown }) => [typeof n?.version === 'string' ? `Version ${n.version}` : null, typeof n?.note === 'string' ? n.note : null].filter(Boolean).join('\n'))
      .filter(Boolean)
      .join('\n\n');
  } else return null;
  const plain = text
    .replace(/<\s*(script|style)[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, '')
    .replace(/<\s*li[^>]*>/gi, '\n• ')
    .replace(/<\s*(br|\/p|\/div|\/h[1-6]|\/ul|\/ol|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!plain) return null;
  return plain.length > maxChars ? `${plain.slice(0, maxChars - 1)}…` : plain;
}

/** The status shown when there is nothing to do yet. */
export function initialStatus(options: { supported: boolean; unsupportedReason: string; enabled: boolean; feed: UpdateFeed; version: string; platform: NodeJS.Platform }): UpdateStatus {
  const base: UpdateStatus = {
    phase: 'idle',
    currentVersion: options.version,
    version: null,
    releaseNotes: null,
    releaseDate: null,
    progress: null,
    detail: null,
    checkedAt: null,
    canKeepAgents: canKeepAgentsOnUpdate(options.platform),
  };
  if (!options.supported) return { ...base, phase: 'unsupported', detail: options.unsupportedReason };
  if (!options.enabled) return { ...base, phase: 'disabled', detail: 'Automatic updates are off. Turn them on to check a feed for new versions.' };
  if (options.feed.kind === 'none') return { ...base, phase: 'no-feed', detail: 'No update feed is configured: enter the address releases are published at.' };
  return base;
}
