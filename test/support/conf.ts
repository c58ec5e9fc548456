/**
 * A small Splunk .conf reader for tests, independent of the code under test: stanzas in file order,
 * each with its settings (in order) and the comment lines above it; settings before the first stanza
 * belong to `default`. A line ending in a backslash continues on the next line (the backslash is
 * dropped, the line break kept). A `#` line is a comment; blank lines are skipped. Anything else
 * throws with the line number.
 */
export interface ConfStanzaRead {
  readonly name: string;
  readonly comments: string[];
  readonly settings: Map<string, string>;
  /** Keys in the order written (a key written twice appears twice). */
  readonly keys: string[];
}

export interface ConfRead {
  /** Comment lines before the first stanza (or the first blank line after them). */
  readonly header: string[];
  readonly stanzas: ConfStanzaRead[];
  stanza(name: string): ConfStanzaRead;
}

export function readConf(text: string, file = '<conf>'): ConfRead {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header: string[] = [];
  const stanzas: ConfStanzaRead[] = [];
  let current: ConfStanzaRead = { name: 'default', comments: [], settings: new Map(), keys: [] };
  let pending: string[] = [];
  let inHeader = true;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const first = i + 1;
    while (line.endsWith('\\')) {
      if (i + 1 >= lines.length) throw new Error(`${file}:${first}: continuation at the end of the file`);
      line = `${line.slice(0, -1)}\n${lines[++i]!}`;
    }
    if (line.includes('\r')) throw new Error(`${file}:${first}: carriage return`);
    const t = line.trim();
    if (t === '') {
      inHeader = false;
      continue;
    }
    if (t.startsWith('#')) {
      (inHeader ? header : pending).push(t.replace(/^#\s?/, ''));
      continue;
    }
    inHeader = false;
    const m = /^\[(.*)\]$/.exec(t);
    if (m) {
      current = { name: m[1]!, comments: pending, settings: new Map(), keys: [] };
      if (stanzas.some((s) => s.name === current.name)) throw new Error(`${file}:${first}: stanza [${current.name}] twice`);
      stanzas.push(current);
      pending = [];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${file}:${first}: not a setting: ${JSON.stringify(t)}`);
    const key = line.slice(0, eq).trim();
    if (!/^\S+$/.test(key)) throw new Error(`${file}:${first}: bad key ${JSON.stringify(key)}`);
    if (current.name === 'default' && !stanzas.includes(current)) stanzas.unshift(current);
    current.settings.set(key, line.slice(eq + 1).trim());
    current.keys.push(key);
  }
  return {
    header,
    stanzas,
    stanza(name) {
      const s = stanzas.find((x) => x.name === name);
      if (!s) throw new Error(`${file}: no stanza [${name}]`);
      return s;
    },
  };
}
