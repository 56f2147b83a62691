// Where native modules built for Electron live: one folder per module, keyed on everything the
// build depends on (Electron's version, the module's version, the platform and the architecture),
// so a dependency bump or another machine never loads a stale binary. node_modules keeps its Node
// builds, so `npm test` and the headless shell work after `npm start`.
// src-main/electron/native-binding.ts finds the same folders at run time (a unit test holds them equal).
import fs from 'node:fs';
import path from 'node:path';

/** The native modules Pitwall loads, and the file in each build that proves it complete. */
export const NATIVE_MODULES = [
  { name: 'better-sqlite3', complete: path.join('build', 'Release', 'better_sqlite3.node') },
  { name: 'node-pty', complete: 'package.json' },
];

/** The folder of one module built for one Electron on one platform and architecture. */
export function nativeBuildDir(root, { electronVersion, platform, arch, name, version }) {
  return path.join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, `${name}-${version}`);
}

/** The installed version of a package in `root`'s node_modules, or null when it is missing. */
export function installedVersion(root, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Each native module's build for this Electron: its folder, and whether a complete build is there
 * (a build is moved into place whole, so a folder with its proof file is complete).
 */
export function plannedBuilds(root, electronVersion, platform = process.platform, arch = process.arch) {
  return NATIVE_MODULES.map(({ name, complete }) => {
    const version = installedVersion(root, name);
    if (!version) throw new Error(`${name} is not installed in ${root}; run npm install`);
    const dir = nativeBuildDir(root, { electronVersion, platform, arch, name, version });
    return { name, version, dir, present: fs.existsSync(path.join(dir, complete)) };
  });
}

/**
 * Builds every native module whose build for this Electron is missing, each with `rebuild`
 * (@electron/rebuild's) in a staging copy of the package, then moves the package into its folder
 * whole. Answers the builds, each with `built` saying whether it was made now.
 */
export async function buildNativeModules(root, electronVersion, { rebuild, platform = process.platform, arch = process.arch, log = () => undefined }) {
  const builds = plannedBuilds(root, electronVersion, platform, arch);
  const results = [];
  for (const build of builds) {
    if (build.present) {
      results.push({ ...build, built: false });
      continue;
    }
    log(`Building ${build.name} ${build.version} for Electron ${electronVersion} (${platform}-${arch})…`);
    fs.mkdirSync(path.join(root, '.native'), { recursive: true });
    const stage = fs.mkdtempSync(path.join(root, '.native', `stage-${build.name}-`));
    try {
      const source = path.join(root, 'node_modules', build.name);
      const staged = path.join(stage, 'node_modules', build.name);
      // Without the Node build, so what is found afterwards can only be the Electron one.
      fs.cpSync(source, staged, { recursive: true, filter: (p) => p !== path.join(source, 'build') });
      fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'pitwall-native-stage', private: true, dependencies: { [build.name]: build.version } }));
      await rebuild({ buildPath: stage, electronVersion, platform, arch, onlyModules: [build.name], force: true, mode: 'sequential' });
      const proof = NATIVE_MODULES.find((m) => m.name === build.name).complete;
      if (!fs.existsSync(path.join(staged, proof))) throw new Error(`building ${build.name} for Electron ${electronVersion} made no ${proof}`);
      fs.mkdirSync(path.dirname(build.dir), { recursive: true });
      fs.rmSync(build.dir, { recursive: true, force: true });
      fs.renameSync(staged, build.dir);
      results.push({ ...build, present: true, built: true });
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
  }
  return results;
}
