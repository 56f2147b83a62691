/** The single Electron IPC channel every request travels on; the contract channel is its first argument. */
export const RPC_IPC = 'pitwall:rpc';
/** The single Electron IPC channel every event travels on; the event name is its first argument. */
export const EVENT_IPC = 'pitwall:event';
