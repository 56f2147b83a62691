import { events, type EventName, type EventPayload } from '../../src-common/contract';
import { toDisposable, type Disposable } from '../lifecycle';

/** Any-event listener, as shells use it to forward every event to their clients. */
export type AnyEventListener = (event: EventName, payload: unknown) => void;

/**
 * Events emitted often with payloads the core builds itself from typed values: validating each one
 * (a terminal's output arrives in chunks of up to 64 KiB, thousands a second) costs time and proves nothing.
 */
const UNCHECKED: ReadonlySet<EventName> = new Set<EventName>(['sessions:output']);

/** In-process event bus typed by the contract; payloads are validated on emit (but for {@link UNCHECKED} ones). */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const parsed = UNCHECKED.has(event) ? payload : events[event].parse(payload);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, parsed);
      } catch (error) {
        // A broken subscriber must not break the emitter or its siblings.
        console.error(`[events] listener for ${event} threw`, error);
      }
    }
  }

  onAny(listener: AnyEventListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => {
      this.listeners.delete(listener);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Disposable {
    return this.onAny((name, payload) => {
      if (name === event) listener(payload as EventPayload<E>);
    });
  }
}
