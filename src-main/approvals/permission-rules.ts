import { and, eq, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { permissionRules } from '../../db/schema';
import { softDeletion } from '../../db/row-version';
import { RULE_EFFECTS, RULE_SCOPES, type PermissionRule, type RuleScope } from '../../src-common/domain/approval';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import type { Clock } from '../clock';
import type { EventBus } from '../events/event-bus';

type RuleRow = typeof permissionRules.$inferSelect;

/** The permission rules: the only writer and reader of `permission_rules`. */
export class PermissionRules {
  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Every rule in force. */
  list(): PermissionRule[] {
    return this.db.select().from(permissionRules).where(isNull(permissionRules.deletedAt)).all().map(toRule);
  }

  /** Adds a rule; a project or session rule must name its project or session. */
  create(input: Omit<PermissionRule, 'id' | 'createdAt' | 'updatedAt'>): PermissionRule {
    if (input.scope === 'project' && !input.projectId) throw new AppError('invalid_request', 'A project rule needs a project');
    if (input.scope === 'session' && !input.sessionId) throw new AppError('invalid_request', 'A session rule needs a session');
    const now = this.clock();
    const row = this.db
      .insert(permissionRules)
      .values({ id: newId(), createdAt: now, updatedAt: now, ...input })
      .returning()
      .get();
    this.events.emit('rules:changed', { ruleId: row.id });
    return toRule(row);
  }

  /** Removes a rule (a soft deletion, so the removal syncs). */
  remove(id: string): { id: string } {
    const row = this.db.select().from(permissionRules).where(and(eq(permissionRules.id, id), isNull(permissionRules.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No rule with id ${id}`);
    const now = this.clock();
    this.db.update(permissionRules).set(softDeletion(row, now)).where(eq(permissionRules.id, id)).run();
    this.events.emit('rules:changed', { ruleId: id });
    return { id };
  }
}

function toRule(row: RuleRow): PermissionRule {
  return {
    id: row.id,
    effect: ((RULE_EFFECTS as readonly string[]).includes(row.effect) ? row.effect : 'ask') as PermissionRule['effect'],
    toolName: row.toolName,
    pattern: row.pattern,
    scope: ((RULE_SCOPES as readonly string[]).includes(row.scope) ? row.scope : 'global') as RuleScope,
    projectId: row.projectId,
    sessionId: row.sessionId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
