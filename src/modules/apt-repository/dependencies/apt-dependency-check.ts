import { SuiteContent } from '../publication/release-builder';
import { AptDependencyRoot, DependencyCheck } from './apt-dependency-root';

export type { DependencyCheck } from './apt-dependency-root';

/**
 * Asks apt itself whether `packages` (`name=version`) could be installed from a candidate
 * publication — the baseline (first suite) plus the group's approved suite with the new approval
 * in it — on a machine with nothing installed: apt's resolver in a scratch root of its own,
 * removed afterwards. The service keeps its roots instead (AptDependencyRoot, reused per release
 * and architecture: src/modules/apt-repository/dependencies/apt-dependency.service.ts).
 */
export async function checkInstallable(suites: SuiteContent[], packages: string[], arch: string): Promise<DependencyCheck> {
  const [fixed, ...candidates] = suites;
  const root = await AptDependencyRoot.open(arch, fixed ? [fixed] : []);
  try {
    return await root.check(candidates, packages);
  } finally {
    await root.close();
  }
}
