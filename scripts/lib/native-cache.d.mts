/** A native module Pitwall loads, and the file in its build that proves the build complete. */
export declare const NATIVE_MODULES: readonly { name: string; complete: string }[];
/** What one build depends on. */
export interface NativeBuildKey {
  electronVersion: string;
  platform: string;
  arch: string;
  name: string;
  version: string;
}
/** The folder of one module built for one Electron on one platform and architecture. */
export declare function nativeBuildDir(root: string, key: NativeBuildKey): string;
/** The installed version of a package in `root`'s node_modules, or null when it is missing. */
export declare function installedVersion(root: string, name: string): string | null;
/** One planned build. */
export interface PlannedBuild {
  name: string;
  version: string;
  dir: string;
  present: boolean;
}
/** Each native module's build for this Electron: its folder, and whether a complete build is there. */
export declare function plannedBuilds(root: string, electronVersion: string, platform?: string, arch?: string): PlannedBuild[];
/** What @electron/rebuild's `rebuild` is called with. */
export interface RebuildCall {
  buildPath: string;
  electronVersion: string;
  platform: string;
  arch: string;
  onlyModules: string[];
  force: boolean;
  mode: 'sequential';
}
/** Builds every native module whose build for this Electron is missing; `built` says which were made now. */
export declare function buildNativeModules(
  root: string,
  electronVersion: string,
  options: { rebuild: (call: RebuildCall) => Promise<unknown>; platform?: string; arch?: string; log?: (line: string) => void },
): Promise<(PlannedBuild & { built: boolean })[]>;
