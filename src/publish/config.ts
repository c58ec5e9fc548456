/**
 * Where to publish and with which credentials: only from the environment, never from a file in the
 * repository or an argument (which would land in shell history and CI logs).
 *
 * Splunk: T1612_SPLUNK_URL (the management port, https://host:8089), T1612_SPLUNK_TOKEN (an
 * authentication token, sent as `Authorization: Bearer …`), T1612_SPLUNK_APP (default: the package's
 * app id, t1612_detections).
 * Sentinel: T1612_AZURE_SUBSCRIPTION, T1612_AZURE_RESOURCE_GROUP, T1612_AZURE_WORKSPACE,
 * T1612_AZURE_TOKEN (an ARM access token, e.g. `az account get-access-token --query accessToken -o
 * tsv`), T1612_ARM_URL (default https://management.azure.com; another cloud's, or a test server).
 *
 * A URL must be https, except on the loopback interface (tests), and must not hold credentials.
 */
import { APP_ID } from '../package/splunk/provenance.js';

export interface SplunkConfig {
  readonly target: 'splunk';
  readonly url: string;
  readonly token: string;
  readonly app: string;
}

export interface AzureConfig {
  readonly target: 'sentinel';
  readonly armUrl: string;
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  readonly token: string;
}

export type PublishConfig = SplunkConfig | AzureConfig;

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
  readonly hint: string;
}

export const DEFAULT_ARM_URL = 'https://management.azure.com';

const HINTS: Readonly<Record<string, string>> = {
  T1612_SPLUNK_URL: 'the Splunk management URL, e.g. https://splunk.example.com:8089',
  T1612_SPLUNK_TOKEN: 'a Splunk authentication token, from your CI secret store',
  T1612_AZURE_SUBSCRIPTION: 'the subscription id of the Sentinel workspace',
  T1612_AZURE_RESOURCE_GROUP: 'the resource group of the Sentinel workspace',
  T1612_AZURE_WORKSPACE: 'the Log Analytics workspace name Sentinel runs on',
  T1612_AZURE_TOKEN: 'an ARM access token, e.g. from az account get-access-token, in your CI secret store',
};

function checkUrl(variable: string, value: string): ConfigProblem | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { variable, message: `${variable} is not a URL`, hint: HINTS[variable] ?? 'an https URL' };
  }
  if (url.username || url.password) return { variable, message: `${variable} must not contain credentials`, hint: 'put the token in its own variable' };
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return { variable, message: `${variable} must be an https URL (the token would travel in clear text)`, hint: HINTS[variable] ?? 'an https URL' };
  return undefined;
}

export function readConfig(target: 'splunk' | 'sentinel', env: Readonly<Record<string, string | undefined>>): { config?: PublishConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v.trim() === '') {
      problems.push({ variable: name, message: `${name} is not set`, hint: `set it to ${HINTS[name] ?? 'its value'}` });
      return '';
    }
    return v.trim();
  };
  if (target === 'splunk') {
    const url = need('T1612_SPLUNK_URL');
    const token = need('T1612_SPLUNK_TOKEN');
    const app = env.T1612_SPLUNK_APP?.trim() || APP_ID;
    if (url) {
      const p = checkUrl('T1612_SPLUNK_URL', url);
      if (p) problems.push(p);
    }
    return problems.length ? { problems } : { config: { target, url: url.replace(/\/+$/, ''), token, app }, problems };
  }
  const subscription = need('T1612_AZURE_SUBSCRIPTION');
  const resourceGroup = need('T1612_AZURE_RESOURCE_GROUP');
  const workspace = need('T1612_AZURE_WORKSPACE');
  const token = need('T1612_AZURE_TOKEN');
  const armUrl = env.T1612_ARM_URL?.trim() || DEFAULT_ARM_URL;
  const p = checkUrl('T1612_ARM_URL', armUrl);
  if (p) problems.push(p);
  return problems.length ? { problems } : { config: { target, armUrl: armUrl.replace(/\/+$/, ''), subscription, resourceGroup, workspace, token }, problems };
}
