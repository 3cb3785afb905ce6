// Generators for hostile HTTP requests: pure garbage, JSON that is almost
// right, and requests shaped from the fixture registry (real view, feature,
// service and join-key names mixed with wrong ones and wrong values).
// Raw JSON text is built by `jsonText`, which can emit what JSON.stringify
// cannot: NaN, Infinity, numbers past 2^53 or 1e400, duplicate keys, lone
// surrogate escapes, and truncation.
import fc from 'fast-check';
import { fixtureDoc } from '../../serving/fixture-registry.ts';

/** A value for jsonText: plain JSON, or a raw token / duplicate-key object. */
export type Raw = { readonly $raw: string } | { readonly $dup: readonly (readonly [string, unknown])[] };

export function jsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object' && '$raw' in (v as object)) return (v as { $raw: string }).$raw;
  if (typeof v === 'object' && '$dup' in (v as object))
    return `{${(v as { $dup: [string, unknown][] }).$dup.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // NaN, Infinity: invalid JSON on purpose
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

const views = fixtureDoc.featureViews;
export const VIEW_NAMES = views.map((v) => v.name);
export const FEATURE_REFS = [
  ...views.flatMap((v) => v.features.map((f) => `${v.name}:${f.name}`)),
  ...fixtureDoc.onDemandFeatureViews.flatMap((o) => o.features.map((f) => `${o.name}:${f.name}`)),
];
export const SERVICE_NAMES = fixtureDoc.featureServices.map((s) => s.name);
export const PUSH_SOURCES = fixtureDoc.sources.filter((s) => s.type === 'push').map((s) => s.name);
export const JOIN_KEYS = ['driver_id', 'city', 'store_no', 'rider_driver', 'val_to_add'];

/** Strings that break naive code: unicode edge cases, lone surrogates, NUL, RTL, long. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202e\u0645\u0631\u062d\u0628\u0627', '\ufeff', '\uffff', '💥'.repeat(30), '../../etc/passwd', '%00', '\\', '"', ':', 'a:b:c', '__proto__', 'constructor', 'toString'),
  fc.nat({ max: 3000 }).map((n) => 'x'.repeat(n)),
  fc.nat({ max: 400 }).map((n) => '\u0645'.repeat(n)),
);

/** Numbers JSON can carry (or almost): huge, tiny, negative zero, past 2^53, non-finite tokens. */
export const nastyNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 1640991600, 1640991600.5),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => ({ $raw: b.toString() })),
  fc.constantFrom({ $raw: 'NaN' }, { $raw: 'Infinity' }, { $raw: '-Infinity' }, { $raw: '1e400' }, { $raw: '-1e400' }, { $raw: '1e-400' }, { $raw: '0x10' }, { $raw: '01' }, { $raw: '1.' }, { $raw: '+1' }, { $raw: '9223372036854775807' }, { $raw: '9223372036854775808' }, { $raw: '-9223372036854775809' }),
);

const timestampish: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('2021-12-31T23:00:00Z', '2021-12-31T23:00:00', '2021-12-31', '2021-13-45T99:99:99Z', 'soon', '', '1640991600', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '2021-12-31T23:00:00.123456789+05:30'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  nastyNumber,
);

/** One cell value: anything JSON-ish, biased to the types feature values take. */
export const cell: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyNumber },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: timestampish },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(nastyNumber, nastyString, fc.constant(null), fc.boolean()), { maxLength: 20 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.nat({ max: 40 }).map((d) => deep(d)) },
);

/** Nested arrays/objects `depth` deep. */
export function deep(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const columnName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...JOIN_KEYS, 'event_timestamp', 'created', 'ts', ...views.flatMap((v) => v.features.map((f) => f.name))) },
  { weight: 1, arbitrary: nastyString },
);

/** Columnar data (`entities`, `df`, `request_context`): mostly right names, lengths that may disagree. */
export const columns: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 5 }).chain((n) => fc.dictionary(columnName, fc.array(cell, { minLength: n, maxLength: n + (n % 2) }), { maxKeys: 12 })) },
  { weight: 1, arbitrary: fc.dictionary(columnName, fc.array(cell, { maxLength: 60 }), { maxKeys: 30 }) },
  { weight: 1, arbitrary: fc.oneof(cell, fc.array(cell, { maxLength: 4 })) },
);

/** The value of a request field, right type or wrong. */
const anyField = fc.oneof(cell, columns, fc.array(nastyString, { maxLength: 4 }));

/** Apply random edits to a request object: drop, replace, duplicate keys. */
function mutate(obj: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(obj).length > 0 ? Object.keys(obj) : ['features'];
  return fc
    .array(fc.tuple(fc.constantFrom('drop', 'replace', 'dup', 'extra', 'none'), fc.constantFrom(...keys), anyField), { minLength: 1, maxLength: 2 })
    .map((edits) => {
      const out: Record<string, unknown> = { ...obj };
      let dup: [string, unknown][] | null = null;
      for (const [op, k, v] of edits) {
        if (op === 'drop') delete out[k];
        else if (op === 'replace') out[k] = v;
        else if (op === 'extra') out[`x_${k}`] = v;
        else if (op === 'dup') dup = [[k, v]];
      }
      return dup ? { $dup: [...Object.entries(out), ...dup] } : out;
    });
}

const featureRef = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FEATURE_REFS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...VIEW_NAMES, 'nope', 'conv_plus'), nastyString).map(([v, f]) => `${v}:${f}`) },
  { weight: 1, arbitrary: nastyString },
);

/** A row-count-consistent valid-looking entity frame from the fixture's join keys. */
const entityFrame = fc.nat({ max: 6 }).chain((n) =>
  fc.record(
    {
      driver_id: fc.array(fc.oneof(fc.integer({ min: 1, max: 50 }), nastyNumber, nastyString), { minLength: n, maxLength: n }),
      city: fc.array(fc.oneof(fc.constantFrom('Berlin', 'Zürich'), nastyString), { minLength: n, maxLength: n }),
      store_no: fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), nastyNumber), { minLength: n, maxLength: n }),
      val_to_add: fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), cell), { minLength: n, maxLength: n }),
      rider_driver: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: n, maxLength: n }),
    },
    { requiredKeys: [] },
  ),
);

const n = fc.nat({ max: 6 });
/** Requests that are right, or one edit away from right. */
const plausibleRead = n.chain((rows) => {
  const ints = fc.array(fc.integer({ min: 1, max: 8 }), { minLength: rows, maxLength: rows });
  const entities = fc.record(
    { driver_id: ints, val_to_add: ints, rider_driver: ints, city: fc.array(fc.constantFrom('Berlin', 'Zürich'), { minLength: rows, maxLength: rows }), store_no: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: rows, maxLength: rows }) },
    { requiredKeys: ['driver_id'] },
  );
  return fc.oneof(
    fc.record({ features: fc.uniqueArray(fc.constantFrom(...FEATURE_REFS), { minLength: 1, maxLength: 6 }), entities, full_feature_names: fc.boolean(), include_stale: fc.boolean() }, { requiredKeys: ['features', 'entities'] }),
    fc.record({ feature_service: fc.constantFrom(...SERVICE_NAMES), entities, full_feature_names: fc.boolean() }, { requiredKeys: ['feature_service', 'entities'] }),
  );
});

const anyRead = fc
  .record(
    {
      features: fc.array(featureRef, { maxLength: 8 }),
      feature_service: fc.oneof(fc.constantFrom(...SERVICE_NAMES), nastyString),
      entities: fc.oneof({ weight: 4, arbitrary: entityFrame }, { weight: 1, arbitrary: columns }),
      request_context: fc.oneof(entityFrame, columns),
      full_feature_names: fc.oneof(fc.boolean(), cell),
      include_stale: fc.oneof(fc.boolean(), cell),
    },
    { requiredKeys: ['entities'] },
  )
  .chain((o) => mutate(o as Record<string, unknown>));

export const getOnlineFeaturesBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: plausibleRead },
  { weight: 2, arbitrary: plausibleRead.chain((o) => mutate(o as Record<string, unknown>)) },
  { weight: 2, arbitrary: anyRead },
);

/** A frame for a view: right columns, values that are right or wrong for their dtype. */
function viewFrame(viewIndex: number): fc.Arbitrary<Record<string, unknown>> {
  const v = views[viewIndex];
  return fc.nat({ max: 5 }).chain((n) => {
    const col = (a: fc.Arbitrary<unknown>) => fc.array(a, { minLength: n, maxLength: n });
    const good: Record<string, fc.Arbitrary<unknown>> = {};
    for (const k of v.entityColumns) good[k.name] = col(k.dtype === 'string' ? fc.oneof(fc.constantFrom('Berlin', 'Zürich'), nastyString) : fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: nastyNumber }));
    good.event_timestamp = col(fc.oneof({ weight: 3, arbitrary: fc.constant('2021-12-31T23:00:00Z') }, { weight: 1, arbitrary: timestampish }));
    good.created = col(fc.oneof(fc.constant(null), timestampish));
    good.ts = col(fc.oneof(fc.constant('2021-12-31T23:00:00Z'), timestampish));
    for (const f of v.features) good[f.name] = col(fc.oneof({ weight: 6, arbitrary: valueFor(f.dtype) }, { weight: 1, arbitrary: cell }));
    return fc.record(good);
  });
}

function valueFor(dtype: string): fc.Arbitrary<unknown> {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'int64':
    case 'int32':
      return fc.integer({ min: -1000, max: 1000 });
    case 'bool':
      return fc.boolean();
    case 'string':
      return nastyString;
    case 'bytes':
      return fc.base64String({ maxLength: 16 });
    case 'unix_timestamp':
      return fc.integer({ min: 0, max: 2_000_000_000 });
    default:
      return fc.array<unknown>(dtype.includes('string') ? nastyString : fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 });
  }
}

const plausibleWrite = fc.nat({ max: views.length - 1 }).chain((i) => fc.record({ feature_view_name: fc.constant(views[i].name), df: viewFrame(i) }));
export const writeBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: plausibleWrite },
  { weight: 2, arbitrary: plausibleWrite.chain((o) => mutate(o as Record<string, unknown>)) },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: views.length - 1 })
      .chain((i) =>
        fc.record(
          { feature_view_name: fc.oneof({ weight: 5, arbitrary: fc.constant(views[i].name) }, { weight: 1, arbitrary: fc.constantFrom(...VIEW_NAMES) }, { weight: 1, arbitrary: nastyString }), df: fc.oneof({ weight: 5, arbitrary: viewFrame(i) }, { weight: 1, arbitrary: columns }) },
          { requiredKeys: [] },
        ),
      )
      .chain((o) => mutate(o as Record<string, unknown>)),
  },
);

const plausiblePush = fc.record({ push_source_name: fc.constant('driver_push'), df: viewFrame(0), to: fc.constantFrom('online', 'online', 'online', 'online', 'offline', 'online_and_offline') });
const anyPush = fc
  .record(
    {
      push_source_name: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PUSH_SOURCES) }, { weight: 1, arbitrary: fc.constantFrom('driver_src', 'req') }, { weight: 1, arbitrary: nastyString }),
      df: fc.oneof({ weight: 5, arbitrary: viewFrame(0) }, { weight: 1, arbitrary: columns }),
      to: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('online', 'offline', 'online_and_offline') }, { weight: 1, arbitrary: cell }),
    },
    { requiredKeys: [] },
  )
  .chain((o) => mutate(o as Record<string, unknown>));
export const pushBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: plausiblePush },
  { weight: 2, arbitrary: plausiblePush.chain((o) => mutate(o as Record<string, unknown>)) },
  { weight: 1, arbitrary: anyPush },
);

/** Bodies no server may accept: cut short, non-JSON tokens in place of a value, or nested too deep. */
export function rejectedJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(valid, fc.double({ min: 0, max: 0.999, noNaN: true })).map(([v, f]) => {
      const s = jsonText(v);
      return s.slice(0, Math.floor(s.length * f));
    }),
    fc.tuple(valid, fc.constantFrom('NaN', 'Infinity', '-Infinity', 'undefined', "'x'", '0x10', '[1,]')).map(([v, tok]) => {
      const o = (v !== null && typeof v === 'object' && !('$dup' in v) ? v : { df: v }) as Record<string, unknown>;
      const k = Object.keys(o)[0] ?? 'df';
      return jsonText({ ...o, [k]: { $raw: tok } });
    }),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `{"feature_view_name":"driver_profile","df":{"driver_id":${'['.repeat(n)}1${']'.repeat(n)}}}`),
  );
}

/** Text that is not JSON, or JSON broken at a random point, or nested past any sane depth. */
export function brokenJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.tuple(valid, fc.double({ min: 0, max: 1, noNaN: true })).map(([v, f]) => {
      const s = jsonText(v);
      return s.slice(0, Math.floor(s.length * f));
    }),
    fc.tuple(valid, fc.nat(), fc.constantFrom(',', '}', ']', '"', '\\', '\u0000', ' /* */ ', ',,', 'NaN', "'")).map(([v, at, junk]) => {
      const s = jsonText(v);
      const i = at % (s.length + 1);
      return s.slice(0, i) + junk + s.slice(i);
    }),
    fc.integer({ min: 1, max: 40_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 1, max: 9_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":${'['.repeat(n)}1${']'.repeat(n)}}}`),
    fc.constantFrom('', ' ', 'null', 'true', '1', '"x"', '[]', '{}', '{"entities":null}', '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"a":"\\x41"}', '{"__proto__":{"entities":{"driver_id":[1]}}}'),
    fc.uint8Array({ maxLength: 300 }),
    fc.constant(Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d)), // {"a":"<CESU lone surrogate>"}
    fc.constant(Uint8Array.of(0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00)), // UTF-16 LE BOM
  );
}

export const jsonContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=latin1', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.apache.arrow.stream', '', '*/*', 'application/json ; x="y"') },
);

const methods = fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') });

/** A POST endpoint's requests: a third garbage, the rest registry-shaped (and mutated) JSON. */
export function postRequests(path: string, body: fc.Arbitrary<unknown>) {
  return fc.record({
    method: methods,
    path: fc.oneof({ weight: 8, arbitrary: fc.constant(path) }, { weight: 1, arbitrary: fc.constantFrom(`${path}?x=1`, `${path}/`, `${path}?push_source_name=driver_push`) }),
    headers: jsonContentType.map((t) => (t === '' ? ({} as Record<string, string>) : { 'content-type': t })),
    body: fc.oneof({ weight: 2, arbitrary: body.map(jsonText) }, { weight: 1, arbitrary: brokenJson(body) }),
  });
}

const urlSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VIEW_NAMES, ...SERVICE_NAMES, ...PUSH_SOURCES, 'driver', 'store', 'conv_plus', 'req') },
  { weight: 2, arbitrary: nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..', '.', '%2e%2e', '%2F', ';', '?', '#', '%C0%AF', '%ED%A0%80', 'a'.repeat(5000)) },
);

export const registryRequests = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS') }),
  path: fc
    .tuple(
      fc.oneof(fc.constant([] as string[]), fc.tuple(fc.constantFrom('entities', 'sources', 'feature-views', 'on-demand-feature-views', 'feature-services'), fc.array(urlSegment, { maxLength: 2 })).map(([a, b]) => [a, ...b]), fc.array(urlSegment, { maxLength: 3 })),
      fc.oneof(fc.constant(''), fc.constantFrom('?', '?a=1&a=2', '?%zz', '/', '//', '?name=%00')),
    )
    .map(([segs, tail]) => `/registry${segs.length ? '/' : ''}${segs.join('/')}${tail}`),
  headers: fc.oneof(fc.constant({} as Record<string, string>), jsonContentType.map((t) => ({ 'content-type': t, accept: t }))),
  body: fc.option(fc.oneof(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 })), { nil: undefined }),
});

export const openapiRequests = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH') }),
  path: fc.oneof(fc.constant('/openapi.json'), fc.constantFrom('/openapi.json?x=1', '/openapi.json/', '/openapi.json%00', '/OPENAPI.JSON', '/openapi.json?%zz', '/openapi.json#frag', '/./openapi.json', '/a/../openapi.json')),
  headers: fc.oneof(fc.constant({} as Record<string, string>), jsonContentType.map((t) => ({ 'content-type': t, accept: t, 'accept-encoding': 'gzip, br' }))),
  body: fc.option(fc.oneof(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 })), { nil: undefined }),
});
