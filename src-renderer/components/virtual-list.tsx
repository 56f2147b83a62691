import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** Where to scroll: an item's index, and a nonce so the same index can be asked for twice. */
export interface ScrollRequest {
  index: number;
  nonce: number;
}

const OVERSCAN_PX = 600;

/**
 * A list that renders only the items near the viewport, whatever their number: each item's height
 * is measured once shown (estimated before), and positions are prefix sums of the heights. The DOM
 * holds a screenful or two of items, for ten entries or ten thousand.
 */
export function VirtualList({
  count,
  estimate,
  itemKey,
  render,
  scrollTo,
  className,
  label,
}: {
  count: number;
  estimate: number;
  itemKey: (index: number) => string;
  render: (index: number) => ReactNode;
  scrollTo: ScrollRequest | null;
  className?: string;
  label: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // Measured heights by item key; replaced (never changed in place) when a measurement differs.
  const [heights, setHeights] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [view, setView] = useState({ top: 0, height: 800 });
  const offsets = useMemo(() => {
    const out = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) out[i + 1] = out[i]! + (heights.get(itemKey(i)) ?? estimate);
    return out;
  }, [count, estimate, itemKey, heights]);

  const [observer] = useState(
    () =>
      new ResizeObserver((records) => {
        const measured: [string, number][] = [];
        for (const r of records) {
          const key = (r.target as HTMLElement).dataset.key;
          const h = Math.ceil((r.target as HTMLElement).getBoundingClientRect().height);
          if (key && h > 0) measured.push([key, h]);
        }
        setHeights((current) => {
          const changed = measured.filter(([key, h]) => current.get(key) !== h);
          if (changed.length === 0) return current;
          const next = new Map(current);
          for (const [key, h] of changed) next.set(key, h);
          return next;
        });
      }),
  );
  useEffect(() => () => observer.disconnect(), [observer]);
  const measure = useCallback(
    (el: HTMLElement | null) => {
      if (!el) return;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      setView({ top: el.scrollTop, height: el.clientHeight });
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);

  // A jump is applied, then again each time items around it are measured and move it, for a
  // moment or until the person scrolls themselves.
  const pending = useRef<{ index: number; until: number } | null>(null);
  useLayoutEffect(() => {
    if (scrollTo) pending.current = { index: scrollTo.index, until: performance.now() + 1500 };
  }, [scrollTo]);
  useLayoutEffect(() => {
    const el = scroller.current;
    const want = pending.current;
    if (!el || !want) return;
    if (want.index < 0 || want.index >= count || performance.now() > want.until) {
      pending.current = null;
      return;
    }
    const target = Math.max(0, Math.min(offsets[want.index]! - 8, el.scrollHeight - el.clientHeight));
    if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
    setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
  }, [scrollTo, offsets, count]);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const stop = () => {
      pending.current = null;
    };
    el.addEventListener('wheel', stop, { passive: true });
    el.addEventListener('touchstart', stop, { passive: true });
    el.addEventListener('keydown', stop);
    return () => {
      el.removeEventListener('wheel', stop);
      el.removeEventListener('touchstart', stop);
      el.removeEventListener('keydown', stop);
    };
  }, []);

  // The first item whose bottom is below the top of the window, by binary search.
  const top = view.top - OVERSCAN_PX;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1]! <= top) lo = mid + 1;
    else hi = mid;
  }
  const bottom = view.top + view.height + OVERSCAN_PX;
  const items: ReactNode[] = [];
  for (let i = lo; i < count && offsets[i]! < bottom; i++) {
    const key = itemKey(i);
    items.push(
      <div key={key} data-key={key} data-index={i} ref={measure} className="virtual-item" style={{ transform: `translateY(${offsets[i]}px)` }}>
        {render(i)}
      </div>,
    );
  }
  return (
    <div ref={scroller} className={`virtual-scroller ${className ?? ''}`} role="list" aria-label={label} tabIndex={0}>
      <div className="virtual-space" data-count={count} style={{ height: `${offsets[count]}px` }}>
        {items}
      </div>
    </div>
  );
}
