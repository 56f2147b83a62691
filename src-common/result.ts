/** Error codes that cross the contract boundary; the UI keys messages and retries on them. */
export const ERROR_CODES = [
  'invalid_request',
  'unknown_channel',
  'not_found',
  'already_exists',
  'not_a_git_repository',
  'invalid_branch_name',
  'invalid_path',
  'dirty_worktree',
  'agent_running',
  'conflict',
  'worktrees_disabled',
  'git_failed',
  'init_script_failed',
  'unauthorized',
  /** The team server could not be reached (or did not answer in time). */
  'team_unreachable',
  /** The team server answered, and said no (a used code, a removed device, an unsupported version). */
  'team_refused',
  'internal',
  /** A restart for an update needs the person's answer about the agents still running. */
  'agents_running',
  /** A newer request replaced this one before it was answered (a search typed further). */
  'cancelled',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as data: what every failed request answers with. */
export interface AppErrorData {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

/** The only shape that crosses the IPC / HTTP boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/** Thrown inside the core; the router turns it into `{ ok: false, error }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toData(): AppErrorData {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error as a failed result. */
export function err<T = never>(code: ErrorCode, message: string, retryable = false): Result<T> {
  return { ok: false, error: { code, message, retryable } };
}
