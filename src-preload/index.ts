import { contextBridge, ipcRenderer } from 'electron';
import { createApi, type PitwallClient, type Subscribe, type WatchTerminal } from '../src-common/client';
import { isEventName } from '../src-common/contract';
import type { Result } from '../src-common/result';
import { EVENT_IPC, RPC_IPC, WATCH_IPC } from '../src-common/ipc-names';

// One of the two places that touch raw IPC (the other is src-main/electron/ipc-binding.ts).

const on: Subscribe = (event, listener) => {
  if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
  const handler = (_e: unknown, name: string, payload: unknown): void => {
    if (name === event) listener(payload as never);
  };
  ipcRenderer.on(EVENT_IPC, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_IPC, handler);
  };
};

// Sent on the same channel as requests, so a terminal's scrollback asked for after `ready` misses nothing.
const watchTerminal: WatchTerminal = (sessionId) => {
  const ready = (ipcRenderer.invoke(WATCH_IPC, sessionId, true) as Promise<unknown>).then(() => undefined);
  let disposed = false;
  return {
    ready,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void ipcRenderer.invoke(WATCH_IPC, sessionId, false);
    },
  };
};

const client: PitwallClient = {
  api: createApi((channel, request) => ipcRenderer.invoke(RPC_IPC, channel, request) as Promise<Result<unknown>>),
  on,
  watchTerminal,
};

contextBridge.exposeInMainWorld('pitwall', client);
