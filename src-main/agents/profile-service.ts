import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { agentProfiles } from '../../db/schema';
import { nextVersion, softDeletion } from '../../db/row-version';
import {
  AGENT_KINDS,
  PERMISSION_MODES,
  PROMPT_MODES_BY_KIND,
  agentProfileInputSchema,
  defaultPromptMode,
  type AgentKind,
  type AgentProfile,
  type PermissionMode,
  type PromptMode,
} from '../../src-common/domain/agent';
import { formatZodError } from '../../src-common/format-zod-error';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';

type Row = typeof agentProfiles.$inferSelect;
type ProfileInput = Omit<AgentProfile, 'id' | 'builtIn' | 'createdAt' | 'updatedAt' | 'promptMode'> & { promptMode?: PromptMode | undefined };

/** The profiles every install starts with, one per kind. */
export function builtInProfiles(shell = process.env.SHELL || '/bin/sh'): ProfileInput[] {
  const base = { args: [], env: {}, model: null, permissionMode: 'supervised' as const };
  return [
    { ...base, name: 'Claude Code', kind: 'claude-code', command: 'claude' },
    { ...base, name: 'Codex', kind: 'codex', command: 'codex' },
    { ...base, name: 'Gemini CLI', kind: 'gemini', command: 'gemini' },
    { ...base, name: 'Aider', kind: 'aider', command: 'aider', promptMode: 'typed' },
    // A shell takes no prompt: a task's title typed into it would run as a command.
    { ...base, name: 'Shell', kind: 'shell', command: shell, promptMode: 'none' },
  ];
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const PROMPT_MODE_WORDS: Record<PromptMode, string> = { argument: 'as an argument', stdin: 'on standard input', typed: 'typed into the terminal', none: 'not at all' };

function checkPromptMode(kind: AgentKind, mode: PromptMode | undefined): void {
  if (mode === undefined || PROMPT_MODES_BY_KIND[kind].includes(mode)) return;
  const allowed = PROMPT_MODES_BY_KIND[kind].map((m) => PROMPT_MODE_WORDS[m]).join(', ');
  throw new AppError('invalid_request', `A ${kind} profile cannot take its prompt ${PROMPT_MODE_WORDS[mode]}; choose ${allowed}`);
}

/** Agent profiles: what to run, with which args, env, model and permission mode. */
export class ProfileService {
  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Adds any built-in profile whose kind has none yet (so deleting nothing ever duplicates). */
  seedBuiltIns(): void {
    const existing = new Set(this.db.select({ kind: agentProfiles.kind }).from(agentProfiles).where(eq(agentProfiles.builtIn, true)).all().map((r) => r.kind));
    const now = this.clock();
    this.db.transaction((tx) => {
      for (const profile of builtInProfiles()) {
        if (existing.has(profile.kind)) continue;
        tx.insert(agentProfiles)
          .values({ id: newId(), ...this.toColumns(profile), builtIn: true, createdAt: now, updatedAt: now })
          .run();
      }
    }, { behavior: 'immediate' });
  }

  list(): AgentProfile[] {
    return this.db
      .select()
      .from(agentProfiles)
      .where(isNull(agentProfiles.deletedAt))
      .orderBy(asc(agentProfiles.builtIn), asc(agentProfiles.name))
      .all()
      .map((r) => this.toProfile(r))
      // Built-ins first in a fixed order (Claude Code leads), then the user's own by name.
      .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || (a.builtIn ? AGENT_KINDS.indexOf(a.kind) - AGENT_KINDS.indexOf(b.kind) : a.name.localeCompare(b.name)));
  }

  get(id: string): AgentProfile {
    return this.toProfile(this.row(id));
  }

  /** Profiles' names by id, removed ones included (a session started with one still names it). */
  namesOf(ids: readonly string[]): Map<string, string> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    return new Map(this.db.select({ id: agentProfiles.id, name: agentProfiles.name }).from(agentProfiles).where(inArray(agentProfiles.id, unique)).all().map((p) => [p.id, p.name]));
  }

  create(input: ProfileInput): AgentProfile {
    checkPromptMode(input.kind, input.promptMode);
    const now = this.clock();
    const row = this.db
      .insert(agentProfiles)
      .values({ id: newId(), ...this.toColumns(input), builtIn: false, createdAt: now, updatedAt: now })
      .returning()
      .get();
    this.events.emit('profiles:changed', { profileId: row.id });
    return this.toProfile(row);
  }

  update(id: string, changes: Partial<ProfileInput>): AgentProfile {
    const current = this.get(id);
    const merged = agentProfileInputSchema.safeParse({ ...current, ...changes });
    if (!merged.success) throw new AppError('invalid_request', `Invalid profile: ${formatZodError(merged.error)}`);
    if (current.builtIn && merged.data.kind !== current.kind) throw new AppError('invalid_request', `${current.name} is built in for ${current.kind}; duplicate it to make a profile of another kind`);
    // A kind change without a prompt mode takes the new kind's default.
    const promptMode = changes.promptMode ?? (merged.data.kind === current.kind ? current.promptMode : defaultPromptMode(merged.data.kind));
    checkPromptMode(merged.data.kind, promptMode);
    merged.data.promptMode = promptMode;
    const row = this.db
      .update(agentProfiles)
      .set({ ...this.toColumns(merged.data), ...nextVersion(this.row(id), this.clock()) })
      .where(eq(agentProfiles.id, id))
      .returning()
      .get();
    this.events.emit('profiles:changed', { profileId: id });
    return this.toProfile(row);
  }

  /** Puts a built-in profile back as it was installed. */
  reset(id: string): AgentProfile {
    const current = this.get(id);
    if (!current.builtIn) throw new AppError('invalid_request', `${current.name} is your own profile; only built-in profiles have defaults to restore`);
    const defaults = builtInProfiles().find((p) => p.kind === current.kind)!;
    return this.update(id, { ...defaults, promptMode: defaults.promptMode ?? defaultPromptMode(defaults.kind) });
  }

  remove(id: string): { id: string } {
    const row = this.row(id);
    if (row.builtIn) throw new AppError('invalid_request', `${row.name} is built in; edit it instead of removing it`);
    const now = this.clock();
    this.db.update(agentProfiles).set(softDeletion(row, now)).where(eq(agentProfiles.id, id)).run();
    this.events.emit('profiles:changed', { profileId: id });
    return { id };
  }

  private row(id: string): Row {
    const row = this.db.select().from(agentProfiles).where(and(eq(agentProfiles.id, id), isNull(agentProfiles.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No agent profile with id ${id}`);
    return row;
  }

  private toColumns(p: ProfileInput) {
    return {
      name: p.name,
      kind: p.kind,
      command: p.command,
      args: JSON.stringify(p.args),
      env: JSON.stringify(p.env),
      model: p.model,
      permissionMode: p.permissionMode,
      promptMode: p.promptMode ?? defaultPromptMode(p.kind),
    };
  }

  private toProfile(row: Row): AgentProfile {
    const kind = ((AGENT_KINDS as readonly string[]).includes(row.kind) ? row.kind : 'shell') as AgentKind;
    return {
      id: row.id,
      name: row.name,
      kind,
      command: row.command,
      args: parseJson<string[]>(row.args, []),
      env: parseJson<Record<string, string>>(row.env, {}),
      model: row.model,
      permissionMode: ((PERMISSION_MODES as readonly string[]).includes(row.permissionMode) ? row.permissionMode : 'supervised') as PermissionMode,
      promptMode: PROMPT_MODES_BY_KIND[kind].includes(row.promptMode as PromptMode) ? (row.promptMode as PromptMode) : defaultPromptMode(kind),
      builtIn: row.builtIn,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
