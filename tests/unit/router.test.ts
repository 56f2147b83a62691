import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../src-common/contract';
import { createApi } from '../../src-common/client';
import { AppError } from '../../src-common/result';
import { createRouter, type Handlers } from '../../src-main/ipc/router';

const project = {
  id: 'p1',
  name: 'demo',
  path: '/repo',
  config: { baseBranch: 'main', worktreeRoot: null, useWorktrees: true, copyFiles: ['.env*'], initScript: null, verifyCommand: null, maxConcurrentAgents: 3, mergeStrategy: 'squash' as const, deleteBranchOnMerge: false },
  resolvedWorktreeRoot: '/data/worktrees/demo',
  createdAt: 1,
  updatedAt: 1,
  version: 1,
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const fail = () => {
    throw new Error('not called in this test');
  };
  const base = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, fail])) as unknown as Handlers;
  return {
    ...base,
    'app:info': () => ({ version: '1', shell: 'headless', dataDir: '/d', platform: 'linux' }),
    'projects:list': () => [project],
    ...overrides,
  };
}

describe('router', () => {
  it('answers a valid request with ok and the handler value', async () => {
    const router = createRouter(handlers());
    expect(await router.dispatch('projects:list', {})).toEqual({ ok: true, value: [project] });
  });

  it.each([
    ['projects:add', {}, 'path: '],
    ['projects:add', { path: '' }, 'Path is required'],
    ['projects:add', { path: '/x', extra: true }, 'Unrecognized key'],
    ['projects:add', { path: 'code/app' }, 'absolute path'],
    ['projects:add', { path: '~/code/app' }, 'absolute path'],
    ['projects:update', { id: 'p1', config: { maxConcurrentAgents: 0 } }, 'config.maxConcurrentAgents: At least one agent'],
    ['projects:update', { id: 'p1', config: { worktreeRoot: 'relative/dir' } }, 'Worktree root must be an absolute path'],
    ['worktrees:create', { projectId: 'p1', branch: '--upload-pack=x' }, 'may not start with "-"'],
    ['worktrees:create', { projectId: 'p1' }, 'branch: '],
    ['worktrees:remove', { worktreeId: 'w1', force: 'yes' }, 'force: '],
  ])('refuses a bad %s request with a message naming the field', async (channel, request, message) => {
    const handler = vi.fn();
    const router = createRouter(handlers({ [channel]: handler } as Partial<Handlers>));
    const result = await router.dispatch(channel, request);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', retryable: false } });
    expect(!result.ok && result.error.message).toContain(message);
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses unknown channels and non-object requests', async () => {
    const router = createRouter(handlers());
    expect(await router.dispatch('projects:drop', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await router.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await router.dispatch('projects:add', 'a string')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('maps AppError to its code and unexpected errors to internal, without throwing', async () => {
    const log = vi.fn();
    const router = createRouter(
      handlers({
        'projects:get': () => {
          throw new AppError('not_found', 'No project with id x');
        },
        'projects:remove': () => {
          throw new TypeError('boom');
        },
      }),
      log,
    );
    expect(await router.dispatch('projects:get', { id: 'x' })).toEqual({ ok: false, error: { code: 'not_found', message: 'No project with id x', retryable: false } });
    expect(await router.dispatch('projects:remove', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('boom') } });
    expect(log).toHaveBeenCalledOnce();
  });

  it('refuses to let a handler answer outside the contract', async () => {
    const log = vi.fn();
    const router = createRouter(handlers({ 'projects:list': () => [{ id: 1 }] as never }), log);
    expect(await router.dispatch('projects:list', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log).toHaveBeenCalledOnce();
  });
});

describe('client derived from the contract', () => {
  it('has one method per channel, each sending its channel name', async () => {
    const invoke = vi.fn(async (channel: string) => ({ ok: true as const, value: channel }));
    const api = createApi(invoke) as unknown as Record<string, Record<string, (r?: unknown) => Promise<unknown>>>;
    for (const channel of CHANNEL_NAMES) {
      const [domain, verb] = channel.split(':') as [string, string];
      expect(await api[domain]![verb]!({})).toEqual({ ok: true, value: channel });
    }
    expect(invoke).toHaveBeenCalledTimes(CHANNEL_NAMES.length);
  });
});
