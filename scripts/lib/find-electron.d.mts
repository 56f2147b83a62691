/** The Electron executable's path, or null when it is not installed. */
export function findElectron(root: string, require?: (id: string) => unknown, exists?: (path: string) => boolean): string | null;
