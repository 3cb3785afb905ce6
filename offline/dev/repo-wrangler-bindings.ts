// The KV and D1 bindings a repo's own wrangler config declares (wrangler.toml,
// wrangler.json or wrangler.jsonc), read just far enough to find the local
// ids: wrangler keys local state by `preview_database_id ?? database_id` (D1)
// and `id` (KV), falling back to the binding name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DeclaredBinding {
  readonly binding: string;
  /** The id wrangler's local mode keys this binding's state by. */
  readonly localId: string;
  /** D1 only. */
  readonly databaseName?: string;
}

export interface DeclaredBindings {
  /** The config file read, or null when the repo has none. */
  readonly file: string | null;
  readonly d1: readonly DeclaredBinding[];
  readonly kv: readonly DeclaredBinding[];
}

type Table = Record<string, string>;

/** `key = "value"` pairs of a TOML line group (strings only; enough for bindings). */
function tomlPairs(text: string): Table {
  const out: Table = {};
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

/** The array-of-tables `[[name]]` entries and inline `name = [{...}, ...]` items of the top level. */
export function tomlTables(text: string, name: string): Table[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, ''));
  const out: Table[] = [];
  let current: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      if (current) out.push(tomlPairs(current.join('\n')));
      current = line.startsWith('[[') && header[1] === name ? [] : null;
      continue;
    }
    if (current) {
      current.push(line);
      continue;
    }
    const inline = new RegExp(`^${name}\\s*=\\s*\\[`).exec(line);
    if (inline) {
      let body = line.slice(inline[0].length);
      while (!body.includes(']') && i + 1 < lines.length) body += `\n${lines[++i]}`;
      for (const item of body.matchAll(/\{([^}]*)\}/g)) out.push(tomlPairs(item[1]));
    }
  }
  if (current) out.push(tomlPairs(current.join('\n')));
  return out;
}

/** JSON with comments and trailing commas (wrangler.jsonc). */
function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

function toBindings(items: readonly Table[], kind: 'd1' | 'kv'): DeclaredBinding[] {
  return items
    .filter((t) => typeof t.binding === 'string')
    .map((t) =>
      kind === 'd1'
        ? { binding: t.binding, localId: t.preview_database_id ?? t.database_id ?? t.binding, databaseName: t.database_name ?? t.binding }
        : { binding: t.binding, localId: t.id ?? t.binding },
    );
}

const FILES = ['wrangler.toml', 'wrangler.json', 'wrangler.jsonc'] as const;

/** The D1 and KV bindings of the repo's wrangler config (none when it has no config). */
export async function readRepoBindings(repoDir: string): Promise<DeclaredBindings> {
  for (const file of FILES) {
    let text: string;
    try {
      text = await readFile(join(repoDir, file), 'utf8');
    } catch {
      continue;
    }
    if (file === 'wrangler.toml') {
      return { file, d1: toBindings(tomlTables(text, 'd1_databases'), 'd1'), kv: toBindings(tomlTables(text, 'kv_namespaces'), 'kv') };
    }
    const json = parseJsonc(text) as { d1_databases?: Table[]; kv_namespaces?: Table[] };
    return { file, d1: toBindings(json.d1_databases ?? [], 'd1'), kv: toBindings(json.kv_namespaces ?? [], 'kv') };
  }
  return { file: null, d1: [], kv: [] };
}
