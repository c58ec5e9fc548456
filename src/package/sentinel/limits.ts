/**
 * Microsoft Sentinel's documented limits for scheduled analytics rules, each with its source. The
 * package checks every detection against them and reports a detection outside one as an error at
 * its file (never silently truncating what an alert shows).
 *
 * Sources (MicrosoftDocs/azure-docs, articles/sentinel/):
 * - scheduled-rules-overview.md, "Query scheduling": both "Run query every" (queryFrequency) and
 *   "Lookup data from the last" (queryPeriod) range from 5 minutes to 14 days, and the interval must
 *   not exceed the lookback. "Rule query": the query is 1 to 10,000 characters; "You can use
 *   user-defined functions to overcome the query length limitation". "Event grouping": a rule run
 *   raises at most 150 alerts (with AlertPerResult, the 150th summarises the rest). "Suppression":
 *   up to 24 hours. "Alert grouping": alerts are grouped into one incident within a time frame of
 *   5 minutes to 7 days; "Selected" grouping needs at least one entity or detail.
 * - map-data-fields-to-entities.md: up to three identifiers per entity mapping, up to ten entity
 *   mappings per rule.
 * - surface-custom-details-in-alerts.md ("Service limits"): up to 20 custom details per rule.
 * - customize-alert-details.md: at most three parameters each in the Alert Name Format and Alert
 *   Description Format.
 */

export const MIN_SCHEDULE_SECONDS = 5 * 60;
export const MAX_SCHEDULE_SECONDS = 14 * 86400;
export const MAX_QUERY_LENGTH = 10_000;
export const MAX_ALERTS_PER_RUN = 150;
export const MAX_SUPPRESSION_SECONDS = 24 * 3600;
export const MIN_GROUPING_SECONDS = 5 * 60;
export const MAX_GROUPING_SECONDS = 7 * 86400;
export const MAX_ENTITY_MAPPINGS = 10;
export const MAX_IDENTIFIERS_PER_ENTITY = 3;
export const MAX_CUSTOM_DETAILS = 20;
export const MAX_FORMAT_PARAMETERS = 3;

/** The API version of the resources written (Microsoft.SecurityInsights 2023-02-01, GA). */
export const ALERT_RULES_API_VERSION = '2023-02-01';
export const WATCHLISTS_API_VERSION = '2023-02-01';
/** Log Analytics saved searches (workspace functions). */
export const SAVED_SEARCHES_API_VERSION = '2020-08-01';
export const ARM_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
