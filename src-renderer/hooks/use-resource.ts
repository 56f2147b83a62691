import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { EventName } from '../../src-common/contract';
import type { AppErrorData, Result } from '../../src-common/result';
import { getClient } from '../api/client';

/** A value read from the core: loading, loaded, or failed with the core's error. */
export interface Resource<T> {
  data: T | null;
  error: AppErrorData | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Reads with `load` and reads again whenever one of `events` arrives (filtered by `accept`).
 * Keeps the last good data while reloading, so lists do not flash.
 */
export function useResource<T>(load: () => Promise<Result<T>>, deps: unknown[], events: EventName[] = [], accept: (payload: unknown) => boolean = () => true): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: AppErrorData | null; loading: boolean }>({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  const acceptRef = useRef(accept);
  // The latest closures, for the reads and the event filter below (set before any effect reads them).
  useLayoutEffect(() => {
    loadRef.current = load;
    acceptRef.current = accept;
  });

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    void loadRef.current().then((result) => {
      if (mine !== generation.current) return;
      // A newer request replaced this one in the core (another window typed further): its answer is on the way.
      if (!result.ok && result.error.code === 'cancelled') return;
      setState(result.ok ? { data: result.value, error: null, loading: false } : (s) => ({ data: s.data, error: result.error, loading: false }));
    });
  }, []);

  useEffect(() => {
    // Reading (and showing that it reads) when the caller's deps change is this effect's whole job.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps say when to read again, as useMemo's do.
  }, deps);

  const eventKey = events.join(',');
  useEffect(() => {
    const client = getClient();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const names = (eventKey ? eventKey.split(',') : []) as EventName[];
    const offs = names.map((event) =>
      client.on(event, (payload) => {
        if (!acceptRef.current(payload)) return;
        // Bursts of events (a worktree moving through states) become one reload.
        if (timer) clearTimeout(timer);
        timer = setTimeout(reload, 50);
      }),
    );
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [eventKey, reload]);

  return { ...state, reload };
}
