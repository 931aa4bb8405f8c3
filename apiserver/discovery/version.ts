/** version.Info as served at /version. kubectl's dispatcher picks its binary by major/minor. */
interface VersionInfo {
  major: string;
  minor: string;
  emulationMajor?: string;
  emulationMinor?: string;
  minCompatibilityMajor?: string;
  minCompatibilityMinor?: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The Kubernetes release this server imitates. */
export const KUBERNETES_VERSION = { major: 1, minor: 33, patch: 1 } as const;

/**
 * The /version answer of a v1.33 apiserver. gitCommit and buildDate identify this project's
 * build rather than a Kubernetes one; clients only read major, minor and gitVersion.
 */
export function versionInfo(build: { gitCommit?: string; buildDate?: string; platform?: string } = {}): VersionInfo {
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    major: String(major),
    minor: String(minor),
    emulationMajor: String(major),
    emulationMinor: String(minor),
    minCompatibilityMajor: String(major),
    minCompatibilityMinor: String(minor - 1),
    gitVersion: `v${major}.${minor}.${patch}`,
    gitCommit: build.gitCommit ?? '',
    gitTreeState: 'clean',
    buildDate: build.buildDate ?? '1970-01-01T00:00:00Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: build.platform ?? `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
