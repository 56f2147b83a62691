/** The Electron executable's path, or null when it is not installed. */
export function findElectron(root: string, require?: (id: string) => unknown, exists?: (path: string) => boolean): string | null;
/** Electron's major version: the installed package's, else the one package.json asks for. */
export function electronMajorVersion(root: string): string;
/** The first line of a failed download's output that says why. */
export function downloadFailureReason(output: string): string;
/** Downloads Electron's binary once with its own installer. */
export function fetchElectron(
  root: string,
  log?: (line: string) => void,
  timeoutMs?: number,
): { path: string; reason: null; hint: null } | { path: null; reason: string; hint: string };
