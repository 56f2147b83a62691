/**
 * Flow control of terminal output from the clients back to the pty host: any client that falls behind
 * on a session's output holds it, and the session's pty is not read while any hold remains (the agent
 * blocks on its writes; nothing is dropped).
 */
export class OutputFlow {
  private readonly holds = new Map<string, Set<object>>();

  constructor(private readonly setPaused: (sessionId: string, paused: boolean) => Promise<void>) {}

  /** Adds (`on`) or lifts one holder's hold on a session's output. */
  hold(sessionId: string, holder: object, on: boolean): void {
    let holders = this.holds.get(sessionId);
    const before = (holders?.size ?? 0) > 0;
    if (on) {
      if (!holders) this.holds.set(sessionId, (holders = new Set()));
      holders.add(holder);
    } else if (holders) {
      holders.delete(holder);
      if (holders.size === 0) this.holds.delete(sessionId);
    }
    const after = (this.holds.get(sessionId)?.size ?? 0) > 0;
    if (before === after) return;
    this.setPaused(sessionId, after).catch((error: unknown) => console.error(`[sessions] could not ${after ? 'pause' : 'resume'} the output of ${sessionId}`, error));
  }

  /** Whether any client holds a session's output now. */
  isHeld(sessionId: string): boolean {
    return this.holds.has(sessionId);
  }
}
