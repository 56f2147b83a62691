import { ipcMain as electronIpcMain, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import type { EventName } from '../../src-common/contract';
import { EVENT_IPC, RPC_IPC } from '../../src-common/ipc-names';
import type { Result } from '../../src-common/result';
import type { EventBus } from '../events/event-bus';
import type { Router } from '../ipc/router';
import type { Disposable } from '../lifecycle';

// One of the two places that touch raw IPC (the other is src-preload/index.ts).

/** Answers every contract request on one IPC channel, after checking who sent it. */
export function bindIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, router: Router, isTrusted: (frameUrl: string | undefined) => boolean): Disposable {
  ipcMain.handle(RPC_IPC, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown): Promise<Result<unknown>> => {
    if (!isTrusted(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Requests are only taken from Pitwall’s own window', retryable: false } };
    }
    if (typeof channel !== 'string') return { ok: false, error: { code: 'invalid_request', message: 'The channel must be a string', retryable: false } };
    return router.dispatch(channel, request);
  });
  return { dispose: () => ipcMain.removeHandler(RPC_IPC) };
}

/** {@link bindIpc} on Electron's own ipcMain. */
export function bindAppIpc(router: Router, isTrusted: (frameUrl: string | undefined) => boolean): Disposable {
  return bindIpc(electronIpcMain, router, isTrusted);
}

/** Something that can receive events: a window's webContents. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends every core event to the window on one IPC channel. */
export function forwardEvents(events: EventBus, target: () => EventTarget | null): Disposable {
  return events.onAny((name: EventName, payload: unknown) => {
    const t = target();
    if (t && !t.isDestroyed()) t.send(EVENT_IPC, name, payload);
  });
}
