/**
 * YAML loading that remembers where every node came from, so schema errors and semantic checks can
 * point at `file:line:column`. js-yaml has no position API, but its `listener` option reports the
 * opening and closing of every node; we rebuild the node tree from those events and index it by
 * JSON Pointer.
 */
import yaml from 'js-yaml';
import type { Position } from './diagnostics.js';

export interface LocatedDocument {
  readonly value: unknown;
  /** Position of the node at a JSON Pointer (`/signals/0/weight`). */
  at(pointer: string): Position;
  /** Position of the *key* of the member at a pointer (`/signals/0/weight` → where `weight:` starts). */
  keyAt(pointer: string): Position;
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly position: Position,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface Frame {
  offset: number;
  kind?: string;
  /** The composed value, kept for scalars (mapping keys). */
  scalar?: unknown;
  children: Frame[];
}

export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function loadLocatedYaml(input: string, filename: string): LocatedDocument {
  // js-yaml drops a leading byte-order mark before reporting offsets; editors do not count it either.
  const source = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  // Line breaks as YAML (and js-yaml) read them: \r\n, a lone \r, or \n.
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
  }
  const lineColumn = (offset: number): Position => {
    const o = Math.min(Math.max(offset, 0), source.length); // js-yaml appends a \n the text may not have
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - lineStarts[lo]! + 1 };
  };
  const root: Frame = { offset: 0, children: [] };
  const stack: Frame[] = [root];
  let value: unknown;
  try {
    value = yaml.load(source, {
      filename,
      schema: yaml.CORE_SCHEMA, // no timestamps or other implicit types: dates stay strings
      listener(this: unknown, event: string, state: { position: number; kind: string; result: unknown }) {
        if (event === 'open') {
          stack.push({ offset: state.position, children: [] });
        } else {
          const frame = stack.pop()!;
          frame.kind = state.kind;
          if (state.kind === 'scalar') frame.scalar = state.result;
          stack[stack.length - 1]!.children.push(frame);
        }
      },
    });
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const mark = (e as yaml.YAMLException & { mark?: { line: number; column: number; position?: number } }).mark;
      // mark.position is reliable where mark.line/column are not (a NUL is reported on line 0).
      const pos = mark?.position !== undefined ? lineColumn(mark.position) : mark ? { line: mark.line + 1, column: mark.column + 1 } : secondDocument(source, lineColumn);
      throw new YamlSyntaxError(pos, e.reason ?? 'invalid YAML');
    }
    throw e;
  }

  const toPosition = (offset: number): Position => {
    // Skip the blanks, line breaks and comments js-yaml reports before the node itself.
    let o = Math.min(offset, source.length);
    for (;;) {
      const c = source[o];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') o++;
      else if (c === '#') while (o < source.length && source[o] !== '\n') o++;
      else break;
    }
    return lineColumn(o);
  };

  const nodes = new Map<string, Position>();
  const keys = new Map<string, Position>();
  const index = (outer: Frame, v: unknown, pointer: string): void => {
    nodes.set(pointer, toPosition(outer.offset));
    // js-yaml reports a flow collection that is a block sequence's entry (`- { a: 1 }`) as a node
    // of the same kind wrapping the real one: read through the wrapper.
    const frame = unwrapFlow(outer, v);
    if (frame.kind === 'mapping' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (let i = 0; i + 1 < frame.children.length; i += 2) {
        const keyFrame = frame.children[i]!;
        const k = keyFrame.kind === 'scalar' ? String(keyFrame.scalar) : undefined;
        if (k === undefined || !Object.prototype.hasOwnProperty.call(v, k)) continue;
        const p = `${pointer}/${escapePointerToken(k)}`;
        keys.set(p, toPosition(keyFrame.offset));
        index(frame.children[i + 1]!, (v as Record<string, unknown>)[k], p);
      }
    } else if (frame.kind === 'sequence' && Array.isArray(v) && frame.children.length === v.length) {
      v.forEach((item, i) => index(frame.children[i]!, item, `${pointer}/${i}`));
    }
  };
  if (root.children[0]) index(root.children[0], value, '');

  const nearest = (map: Map<string, Position>, pointer: string): Position => {
    let p = pointer;
    for (;;) {
      const hit = map.get(p) ?? nodes.get(p);
      if (hit) return hit;
      if (p === '') return { line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
  return {
    value,
    at: (pointer) => nearest(nodes, pointer),
    keyAt: (pointer) => nearest(keys, pointer),
  };
}

function unwrapFlow(frame: Frame, v: unknown): Frame {
  const only = frame.children.length === 1 ? frame.children[0]! : undefined;
  if (!only || only.kind !== frame.kind) return frame;
  // A mapping frame always has key and value children, so one child of its kind is a wrapper; a
  // sequence of one sequence is ambiguous and read as written.
  if (frame.kind === 'mapping') return only;
  if (frame.kind === 'sequence' && Array.isArray(v) && !(v.length === 1 && Array.isArray(v[0])) && only.children.length === v.length) return only;
  return frame;
}

/** Where a second document starts (js-yaml's "expected a single document" error has no mark). */
function secondDocument(source: string, lineColumn: (offset: number) => Position): Position {
  const starts: number[] = [];
  let content = false;
  const re = /^(.*)$/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const line = m[1]!.replace(/\r$/, '');
    if (/^---(\s|$)/.test(line)) {
      if (content || starts.length) return lineColumn(m.index);
      starts.push(m.index);
    } else if (line.trim() !== '' && !line.startsWith('#') && !line.startsWith('%')) content = true;
    if (m[0] === '') re.lastIndex++;
  }
  return { line: 1, column: 1 };
}
