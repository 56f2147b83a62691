import { contextBridge, ipcRenderer } from 'electron';
import { createApi, type PitwallClient, type Subscribe } from '../src-common/client';
import { isEventName } from '../src-common/contract';
import type { Result } from '../src-common/result';
import { EVENT_IPC, RPC_IPC } from '../src-common/ipc-names';

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

const client: PitwallClient = {
  api: createApi((channel, request) => ipcRenderer.invoke(RPC_IPC, channel, request) as Promise<Result<unknown>>),
  on,
};

contextBridge.exposeInMainWorld('pitwall', client);
