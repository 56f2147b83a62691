import { useEffect, useState } from 'react';

/** The app's sections, as the sidebar lists them. */
export const SECTIONS = ['projects', 'sessions', 'history', 'usage', 'approvals', 'tasks', 'settings'] as const;
/** One of {@link SECTIONS}. */
export type Section = (typeof SECTIONS)[number];

/** Where the UI is: `#/<section>/<id>`. */
export interface Route {
  section: Section;
  id: string | null;
}

function parse(hash: string): Route {
  const [section, id] = hash.replace(/^#\/?/, '').split('/');
  return { section: (SECTIONS as readonly string[]).includes(section ?? '') ? (section as Section) : 'projects', id: id ? decodeURIComponent(id) : null };
}

/** Navigates by hash, so reloads and the back button keep the place. */
export function navigate(section: Section, id: string | null = null): void {
  window.location.hash = `#/${section}${id ? `/${encodeURIComponent(id)}` : ''}`;
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
