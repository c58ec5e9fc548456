/**
 * A publish plan: what the server holds compared with the package, one item per object, each
 * `create`, `update`, `unchanged` or (with `--prune`) `delete`, and the request(s) that make it so.
 * Planning only reads (GET); `applyPlan` runs the items' writes in order and stops at the first that
 * fails, reporting what was applied before it. A plan is made fresh from the server every time, so a
 * run that stopped half way is completed by running again: what was applied reads as unchanged.
 */

export type Action = 'create' | 'update' | 'unchanged' | 'delete';

export const ACTIONS: readonly Action[] = ['create', 'update', 'unchanged', 'delete'];

export interface PlanItem {
  readonly action: Action;
  /** What kind of object: `saved search`, `macro`, `kv collection`, `analytics rule`, `function`, `watchlist`. */
  readonly kind: string;
  readonly name: string;
  /** Which settings differ, how many rows, or why an object is left as it is. */
  readonly detail?: string;
  /** The writes; absent for `unchanged`. */
  readonly apply?: () => Promise<void>;
}

export interface Plan {
  readonly target: 'splunk' | 'sentinel';
  /** Where: the server's origin and the namespace (never a credential). */
  readonly endpoint: string;
  readonly scope: string;
  readonly items: readonly PlanItem[];
  /** Things the plan cannot do itself and the user must know (one line each). */
  readonly notes: readonly string[];
}

export type ItemStatus = 'planned' | 'applied' | 'failed' | 'not applied';

export interface ApplyResult {
  readonly status: ReadonlyMap<PlanItem, ItemStatus>;
  readonly applied: number;
  readonly failure?: { readonly item: PlanItem; readonly message: string };
  /** Writes not attempted because an earlier one failed. */
  readonly notApplied: number;
}

export type Counts = Readonly<Record<Action, number>>;

export function counts(items: readonly PlanItem[]): Counts {
  const c: Record<Action, number> = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const i of items) c[i.action]++;
  return c;
}

export function changes(items: readonly PlanItem[]): PlanItem[] {
  return items.filter((i) => i.action !== 'unchanged');
}

export async function applyPlan(plan: Plan): Promise<ApplyResult> {
  const status = new Map<PlanItem, ItemStatus>();
  let applied = 0;
  let failure: ApplyResult['failure'];
  for (const item of plan.items) {
    if (failure) {
      status.set(item, item.action === 'unchanged' ? 'planned' : 'not applied');
      continue;
    }
    if (!item.apply || item.action === 'unchanged') {
      status.set(item, 'planned');
      continue;
    }
    try {
      await item.apply();
      status.set(item, 'applied');
      applied++;
    } catch (e) {
      status.set(item, 'failed');
      failure = { item, message: (e as Error).message };
    }
  }
  const notApplied = [...status.values()].filter((s) => s === 'not applied').length;
  return { status, applied, ...(failure ? { failure } : {}), notApplied };
}

const PAST: Readonly<Record<Action, string>> = { create: 'created', update: 'updated', unchanged: 'unchanged', delete: 'deleted' };

function line(word: string, item: PlanItem, kindWidth: number): string {
  return `${word.padEnd(11)} ${item.kind.padEnd(kindWidth)}  ${item.name}${item.detail ? `  (${item.detail})` : ''}`;
}

export function summaryLine(plan: Plan, c: Counts): string {
  return `${plan.target} ${plan.endpoint} (${plan.scope}): ${c.create} create, ${c.update} update, ${c.unchanged} unchanged, ${c.delete} delete`;
}

/** The dry run: one line per object, the notes, then the summary. */
export function formatPlan(plan: Plan): string[] {
  const width = Math.max(0, ...plan.items.map((i) => i.kind.length));
  return [...plan.items.map((i) => line(i.action, i, width)), ...plan.notes.map((n) => `note: ${n}`), `dry run, nothing written: ${summaryLine(plan, counts(plan.items))}`];
}

/** A real run: what was done to each object, the notes, then the same summary. */
export function formatResult(plan: Plan, result: ApplyResult): string[] {
  const width = Math.max(0, ...plan.items.map((i) => i.kind.length));
  const lines = plan.items.map((i) => {
    const s = result.status.get(i) ?? 'planned';
    const word = s === 'applied' || s === 'planned' ? PAST[i.action] : s === 'failed' ? `FAILED ${i.action}` : `not ${PAST[i.action]}`;
    return line(word, i, width);
  });
  const done = result.failure ? ` (stopped: ${result.applied} of ${result.applied + 1 + result.notApplied} change(s) applied)` : '';
  return [...lines, ...plan.notes.map((n) => `note: ${n}`), `published: ${summaryLine(plan, counts(plan.items))}${done}`];
}

export interface PlanJson {
  readonly target: string;
  readonly endpoint: string;
  readonly scope: string;
  readonly dryRun: boolean;
  readonly items: readonly { action: Action; kind: string; name: string; detail?: string; status: ItemStatus }[];
  readonly notes: readonly string[];
  readonly summary: Counts;
  readonly ok: boolean;
  readonly applied?: number;
  readonly error?: { kind: string; name: string; action: Action; message: string; notApplied: number };
}

export function planJson(plan: Plan, result?: ApplyResult): PlanJson {
  return {
    target: plan.target,
    endpoint: plan.endpoint,
    scope: plan.scope,
    dryRun: result === undefined,
    items: plan.items.map((i) => ({ action: i.action, kind: i.kind, name: i.name, ...(i.detail ? { detail: i.detail } : {}), status: result?.status.get(i) ?? 'planned' })),
    notes: plan.notes,
    summary: counts(plan.items),
    ok: !result?.failure,
    ...(result ? { applied: result.applied } : {}),
    ...(result?.failure
      ? { error: { kind: result.failure.item.kind, name: result.failure.item.name, action: result.failure.item.action, message: result.failure.message, notApplied: result.notApplied } }
      : {}),
  };
}

/** Sorted by name (UTF-16), so plans print the same every time. */
export function byName<T extends { readonly name: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
