/**
 * `t1612 publish` as a library (issue #6 §4): from the files of a built package to the objects on a
 * Splunk server (splunk.ts) or in a Sentinel workspace (azure.ts), through one HTTP client with
 * retries (http.ts), planned first and then applied (plan.ts). Configuration and credentials come
 * from the environment (config.ts); time and the network from a `Runtime` (runtime.ts).
 */
import { ALERT_RULES_API_VERSION, SAVED_SEARCHES_API_VERSION } from '../package/sentinel/limits.js';
import type { PackageFile } from '../package/types.js';
import { armDesired, planAzure } from './azure.js';
import type { PublishConfig } from './config.js';
import { armErrorMessage, HttpClient, splunkErrorMessage, type RetryEvent, type RetryPolicy } from './http.js';
import { applyPlan, type ApplyResult, type Plan } from './plan.js';
import type { Runtime } from './runtime.js';
import { planSplunk, splunkDesired } from './splunk.js';

export interface PublishRequest {
  readonly config: PublishConfig;
  /** The package's files, as `t1612 package` writes them. */
  readonly files: readonly PackageFile[];
  /** Splunk: the profile's index and source macros, which the customer tunes. */
  readonly profileMacros?: readonly string[];
  readonly prune: boolean;
  readonly runtime: Runtime;
  readonly retry?: RetryPolicy;
  readonly onRetry?: (e: RetryEvent) => void;
}

function client(request: PublishRequest): HttpClient {
  const { config } = request;
  return new HttpClient({
    base: config.target === 'splunk' ? config.url : config.armUrl,
    token: config.token,
    runtime: request.runtime,
    readError: config.target === 'splunk' ? splunkErrorMessage : armErrorMessage,
    ...(request.retry ? { retry: request.retry } : {}),
    ...(request.onRetry ? { onRetry: request.onRetry } : {}),
  });
}

/** Read the server and compare it with the package; writes nothing. */
export async function planPublish(request: PublishRequest): Promise<Plan> {
  const { config } = request;
  if (config.target === 'splunk')
    return planSplunk({ url: config.url, app: config.app, client: client(request) }, splunkDesired(request.files, request.profileMacros ?? []), { prune: request.prune });
  return planAzure(
    { armUrl: config.armUrl, subscription: config.subscription, resourceGroup: config.resourceGroup, workspace: config.workspace, client: client(request) },
    armDesired(request.files),
    { prune: request.prune, apiVersions: { rules: ALERT_RULES_API_VERSION, functions: SAVED_SEARCHES_API_VERSION } },
  );
}

export { applyPlan, type ApplyResult, type Plan };
