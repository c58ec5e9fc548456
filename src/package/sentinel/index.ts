/** The Sentinel package (being built: issue #6). */
import { diagnostic } from '../../model/diagnostics.js';
import type { PackageTarget } from '../types.js';

export const sentinelPackage: PackageTarget = {
  id: 'sentinel',
  description: 'Sentinel package',
  queryTarget: 'kql',
  defaultProfile: 'sentinel',
  build: () => ({ files: [], diagnostics: [diagnostic('t1612', { line: 1, column: 1 }, 'error', 'package', 'the sentinel package is not available in this build', 'use t1612 compile')] }),
};
