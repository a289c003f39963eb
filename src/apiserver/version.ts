// GET /version, in the shape of k8s.io/apimachinery's version.Info.
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export function versionInfo(semver: string, gitCommit = ''): VersionInfo {
  const [major = '0', minor = '0'] = semver.split('.');
  return {
    major,
    minor,
    gitVersion: `v${semver}`,
    gitCommit,
    gitTreeState: gitCommit ? 'clean' : '',
    buildDate: '',
    goVersion: '',
    compiler: `node-${process.versions.node}`,
    platform: `${process.platform}/${process.arch}`,
  };
}
