/** The package targets, one line each (a folder under src/package/ per target). */
import type { PackageTarget, PackageTargetId } from './types.js';
import { splunkPackage } from './splunk/index.js';
import { sentinelPackage } from './sentinel/index.js';

export const packageTargets: Readonly<Record<PackageTargetId, PackageTarget>> = {
  splunk: splunkPackage,
  sentinel: sentinelPackage,
};

export const PACKAGE_TARGET_IDS = Object.keys(packageTargets) as PackageTargetId[];
