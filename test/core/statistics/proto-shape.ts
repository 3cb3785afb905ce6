// A minimal proto3 reader (messages, nested messages, enums, oneofs, repeated
// fields) and a checker of the proto3 JSON mapping against it: keys are the
// fields' lowerCamelCase JSON names, 64-bit integers are decimal strings,
// 32-bit integers numbers, floats numbers (or "NaN" / "Infinity" / "-Infinity"),
// enums names, repeated fields arrays, at most one member of a oneof.

export interface ProtoField {
  readonly name: string;
  readonly type: string;
  readonly repeated: boolean;
  readonly oneof: string | null;
}

export interface ProtoSchema {
  readonly messages: Map<string, ProtoField[]>;
  readonly enums: Map<string, string[]>;
}

export function parseProto(text: string): ProtoSchema {
  const src = text.replace(/\/\/.*$/gm, '');
  const tokens = src.match(/[A-Za-z_][\w.]*|\d+|[{}=;]/g) ?? [];
  const messages = new Map<string, ProtoField[]>();
  const enums = new Map<string, string[]>();
  let i = 0;
  const scope: { kind: 'message' | 'enum' | 'oneof' | 'other'; name: string }[] = [];
  const messagePath = () => scope.filter((s) => s.kind === 'message').map((s) => s.name).join('.');
  while (i < tokens.length) {
    const t = tokens[i];
    if (t === 'message' || t === 'enum' || t === 'oneof') {
      const name = tokens[i + 1];
      if (tokens[i + 2] !== '{') throw new Error(`expected { after ${t} ${name}`);
      scope.push({ kind: t, name });
      if (t === 'message') messages.set(messagePath(), []);
      if (t === 'enum') enums.set([messagePath(), name].filter(Boolean).join('.'), []);
      i += 3;
      continue;
    }
    if (t === '}') {
      scope.pop();
      i++;
      continue;
    }
    if (t === 'syntax' || t === 'package' || t === 'option' || t === 'import' || t === 'reserved') {
      while (tokens[i] !== ';') i++;
      i++;
      continue;
    }
    const top = scope.at(-1);
    if (top?.kind === 'enum') {
      // NAME = N ;
      enums.get([messagePath(), top.name].filter(Boolean).join('.'))!.push(t);
      i += 4;
      continue;
    }
    // [repeated] type name = N ;
    const repeated = t === 'repeated';
    if (repeated) i++;
    const type = tokens[i];
    const name = tokens[i + 1];
    if (tokens[i + 2] !== '=' || tokens[i + 4] !== ';') throw new Error(`cannot read field near ${type} ${name}`);
    messages.get(messagePath())!.push({ name, type, repeated, oneof: top?.kind === 'oneof' ? top.name : null });
    i += 5;
  }
  return { messages, enums };
}

/** lowerCamelCase, the default json_name. */
export const jsonName = (field: string): string => field.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const SCALARS = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes']);

/** Resolve a type name as protoc does: innermost scope first. */
function resolve(schema: ProtoSchema, scope: string, type: string): { kind: 'message' | 'enum'; full: string } {
  const parts = scope.split('.');
  for (let n = parts.length; n >= 0; n--) {
    const full = [...parts.slice(0, n), type].filter(Boolean).join('.');
    if (schema.messages.has(full)) return { kind: 'message', full };
    if (schema.enums.has(full)) return { kind: 'enum', full };
  }
  throw new Error(`unknown type ${type} in ${scope}`);
}

function checkScalar(type: string, v: unknown, path: string): string[] {
  const bad = (why: string) => [`${path}: ${why} (got ${JSON.stringify(v)})`];
  switch (type) {
    case 'double':
    case 'float':
      return typeof v === 'number' ? (Number.isFinite(v) ? [] : bad('non-finite number')) : v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? [] : bad(`${type} must be a JSON number`);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return typeof v === 'string' && /^-?\d+$/.test(v) ? [] : bad(`${type} must be a decimal string`);
    case 'uint64':
    case 'fixed64':
      return typeof v === 'string' && /^\d+$/.test(v) ? [] : bad(`${type} must be a non-negative decimal string`);
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return Number.isInteger(v) ? [] : bad(`${type} must be an integer number`);
    case 'bool':
      return typeof v === 'boolean' ? [] : bad('bool must be true or false');
    case 'string':
      return typeof v === 'string' ? [] : bad('string must be a JSON string');
    case 'bytes':
      return typeof v === 'string' && /^[A-Za-z0-9+/=_-]*$/.test(v) ? [] : bad('bytes must be base64');
  }
  return bad(`unknown scalar ${type}`);
}

/** Every problem of `value` as the proto3 JSON form of message `message` (empty when it conforms). */
export function checkProtoJson(schema: ProtoSchema, message: string, value: unknown, path = message): string[] {
  const fields = schema.messages.get(message);
  if (fields === undefined) return [`${path}: unknown message ${message}`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a JSON object`];
  const problems: string[] = [];
  const oneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const f = fields.find((x) => jsonName(x.name) === key);
    if (f === undefined) {
      problems.push(`${path}.${key}: no field with this JSON name in ${message} (fields: ${fields.map((x) => jsonName(x.name)).join(', ')})`);
      continue;
    }
    if (f.oneof !== null) {
      const other = oneofs.get(f.oneof);
      if (other !== undefined) problems.push(`${path}: oneof ${f.oneof} has both ${other} and ${key}`);
      oneofs.set(f.oneof, key);
    }
    const items = f.repeated ? v : [v];
    if (f.repeated && !Array.isArray(v)) {
      problems.push(`${path}.${key}: repeated field must be an array`);
      continue;
    }
    (items as unknown[]).forEach((item, j) => {
      const at = f.repeated ? `${path}.${key}[${j}]` : `${path}.${key}`;
      if (SCALARS.has(f.type)) problems.push(...checkScalar(f.type, item, at));
      else {
        const t = resolve(schema, message, f.type);
        if (t.kind === 'enum') {
          if (!schema.enums.get(t.full)!.includes(item as string)) problems.push(`${at}: ${JSON.stringify(item)} is not a value of enum ${t.full}`);
        } else problems.push(...checkProtoJson(schema, t.full, item, at));
      }
    });
  }
  return problems;
}
