import path from 'node:path';

/** Where the desktop shell finds its files, in a checkout or a packaged app. */
export interface AppPaths {
  rendererFile: string;
  preload: string;
  migrationsDir: string;
  /**
   * resources/ (the agent hook, tray icons). In a packaged app these are unpacked from the asar:
   * agents run the hook with a plain Node view of the file system, and Linux tray hosts read icons
   * from disk.
   */
  resourcesDir: string;
  trayIconDir: string;
}

/** The paths for an app root (`app.getAppPath()`: the checkout, or `…/resources/app.asar`). */
export function appPaths(appRoot: string, isPackaged: boolean): AppPaths {
  const unpackedRoot = isPackaged && path.basename(appRoot) === 'app.asar' ? path.join(path.dirname(appRoot), 'app.asar.unpacked') : appRoot;
  const resourcesDir = path.join(unpackedRoot, 'resources');
  return {
    rendererFile: path.join(appRoot, 'out', 'renderer', 'index.html'),
    preload: path.join(appRoot, 'out', 'preload', 'index.js'),
    migrationsDir: path.join(appRoot, 'db', 'migrations'),
    resourcesDir,
    trayIconDir: path.join(resourcesDir, 'tray'),
  };
}
