/** The single Electron IPC channel every request travels on; the contract channel is its first argument. */
export const RPC_IPC = 'pitwall:rpc';
/** The single Electron IPC channel every event travels on; the event name is its first argument. */
export const EVENT_IPC = 'pitwall:event';
/** The Electron IPC channel on which the window says which terminals it shows (`sessionId`, `on`). */
export const WATCH_IPC = 'pitwall:watch';

/** The WebSocket subprotocol of the headless shell's `/events` stream; the server selects it. */
export const WEB_EVENTS_PROTOCOL = 'pitwall.v1';
/**
 * Prefix of the second subprotocol a browser offers on `/events`, `pitwall.token.<token>`: a page
 * cannot set headers on a WebSocket, and this keeps the token out of the URL and out of cookies.
 */
export const WEB_TOKEN_PROTOCOL_PREFIX = 'pitwall.token.';
