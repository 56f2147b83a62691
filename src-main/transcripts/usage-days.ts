/** The IANA zone `local` means here (the system's, which follows `TZ`), or the zone itself. */
export function effectiveZone(zone: string): string {
  return zone === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
}

const QUARTER_HOUR = 15 * 60 * 1000;

/**
 * The calendar day (YYYY-MM-DD) of an epoch-ms time in `zone`. Every zone's offset is a whole number
 * of quarter hours, so a day is computed once per quarter hour and then looked up (a first scan asks
 * millions of times).
 */
export function dayFunction(zone: string): (at: number) => string {
  const name = effectiveZone(zone);
  if (name === 'UTC' || name === 'Etc/UTC') return (at) => new Date(at).toISOString().slice(0, 10);
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' });
  const cache = new Map<number, string>();
  return (at) => {
    const bucket = Math.floor(at / QUARTER_HOUR);
    let day = cache.get(bucket);
    if (day === undefined) {
      day = format.format(new Date(bucket * QUARTER_HOUR));
      if (cache.size > 100_000) cache.clear();
      cache.set(bucket, day);
    }
    return day;
  };
}
