/** The usual install locations of Chromium and Chrome on a platform. */
export function installLocations(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[];
/** The Chromium executable to drive, or null when none is installed. */
export function findChromium(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, exists?: (p: string) => boolean): string | null;
