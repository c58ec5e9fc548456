/** The Splunk package (being built: issue #6). */
import { diagnostic } from '../../model/diagnostics.js';
import type { PackageTarget } from '../types.js';

export const splunkPackage: PackageTarget = {
  id: 'splunk',
  description: 'Splunk package',
  queryTarget: 'spl',
  defaultProfile: 'sysmon_linux',
  build: () => ({ files: [], diagnostics: [diagnostic('t1612', { line: 1, column: 1 }, 'error', 'package', 'the splunk package is not available in this build', 'use t1612 compile')] }),
};
