/** Where the page keeps the token for this tab (reloads keep it; other tabs and sites do not see it). */
export const TOKEN_STORAGE_KEY = 'pitwall.token';

/** Why a page has no usable token. */
export type LockReason = 'missing' | 'old-link' | 'refused';

/** What the page opened with: a token to use, or why there is none. */
export type PageAccess = { kind: 'token'; token: string } | { kind: 'locked'; reason: LockReason };

/** The part of `sessionStorage` the page uses. */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Takes the token from the printed link's fragment (`/#token=<token>`) into `storage` and out of
 * the address bar (through `replace`, i.e. history.replaceState), so it is not kept in the
 * history, bookmarks or a screenshot; later loads of the tab find it in `storage`. A token in the
 * query (`?token=`, the old link format) authenticates nothing: it is only removed from the
 * address bar and reported.
 */
export function takePageToken(href: string, storage: TokenStorage, replace: (url: string) => void): PageAccess {
  const url = new URL(href);
  const fromFragment = url.hash.startsWith('#token=') ? new URLSearchParams(url.hash.slice(1)).get('token') : null;
  const oldLink = url.searchParams.has('token');
  if (oldLink) url.searchParams.delete('token');
  if (fromFragment !== null) {
    url.hash = '';
    if (fromFragment !== '') storage.setItem(TOKEN_STORAGE_KEY, fromFragment);
  }
  if (fromFragment !== null || oldLink) replace(url.pathname + url.search + url.hash);
  const token = fromFragment || storage.getItem(TOKEN_STORAGE_KEY);
  if (token) return { kind: 'token', token };
  return { kind: 'locked', reason: oldLink ? 'old-link' : 'missing' };
}

/** Forgets a token the server refused, so a reload asks for the link again. */
export function forgetPageToken(storage: TokenStorage): void {
  storage.removeItem(TOKEN_STORAGE_KEY);
}

/** `sessionStorage`, or a memory stand-in where the browser refuses storage (the token then lasts until a reload). */
export function pageStorage(): TokenStorage {
  try {
    const storage = window.sessionStorage;
    storage.getItem(TOKEN_STORAGE_KEY);
    return storage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}
