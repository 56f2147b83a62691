/** Current time as UTC epoch milliseconds; injected so tests can pin it. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
