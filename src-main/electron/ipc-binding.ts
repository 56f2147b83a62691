import { ipcMain as electronIpcMain, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import type { EventName } from '../../src-common/contract';
import { EVENT_IPC, RPC_IPC, WATCH_IPC } from '../../src-common/ipc-names';
import type { Result } from '../../src-common/result';
import type { EventBus } from '../events/event-bus';
import type { Router } from '../ipc/router';
import type { Disposable } from '../lifecycle';

// One of the two places that touch raw IPC (the other is src-preload/index.ts).

/** The terminals the window shows, counted: only their output is sent to it. */
export class TerminalWatches {
  private readonly counts = new Map<string, number>();

  change(sessionId: string, on: boolean): void {
    const next = (this.counts.get(sessionId) ?? 0) + (on ? 1 : -1);
    if (next > 0) this.counts.set(sessionId, next);
    else this.counts.delete(sessionId);
  }

  has(sessionId: string): boolean {
    return this.counts.has(sessionId);
  }
}

/**
 * Answers every contract request on one IPC channel, after checking who sent it; and the window's
 * watch requests (which terminals it shows) on another.
 */
export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  router: Router,
  isTrusted: (frameUrl: string | undefined) => boolean,
  watches: TerminalWatches = new TerminalWatches(),
): Disposable {
  ipcMain.handle(WATCH_IPC, (event: IpcMainInvokeEvent, sessionId: unknown, on: unknown): boolean => {
    if (!isTrusted(event.senderFrame?.url) || typeof sessionId !== 'string' || typeof on !== 'boolean') return false;
    watches.change(sessionId, on);
    return true;
  });
  ipcMain.handle(RPC_IPC, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown): Promise<Result<unknown>> => {
    if (!isTrusted(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Requests are only taken from Pitwall’s own window', retryable: false } };
    }
    if (typeof channel !== 'string') return { ok: false, error: { code: 'invalid_request', message: 'The channel must be a string', retryable: false } };
    return router.dispatch(channel, request);
  });
  return {
    dispose: () => {
      ipcMain.removeHandler(RPC_IPC);
      ipcMain.removeHandler(WATCH_IPC);
    },
  };
}

/** {@link bindIpc} on Electron's own ipcMain. */
export function bindAppIpc(router: Router, isTrusted: (frameUrl: string | undefined) => boolean, watches: TerminalWatches): Disposable {
  return bindIpc(electronIpcMain, router, isTrusted, watches);
}

/** Something that can receive events: a window's webContents. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends every core event to the window on one IPC channel; a terminal's output only while the window shows it. */
export function forwardEvents(events: EventBus, target: () => EventTarget | null, watches?: TerminalWatches): Disposable {
  return events.onAny((name: EventName, payload: unknown) => {
    if (name === 'sessions:output' && watches && !watches.has((payload as { sessionId: string }).sessionId)) return;
    const t = target();
    if (t && !t.isDestroyed()) t.send(EVENT_IPC, name, payload);
  });
}
