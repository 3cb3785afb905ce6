import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { registryJsonSchema } from '../../../src/core/registry/json-schema.ts';
import { parseRegistry, serializeRegistry } from '../../../src/core/registry/serialize.ts';

const golden = () => readFile(new URL('../../fixtures/registry/driver-stats.golden.json', import.meta.url), 'utf8');

describe('registry serialization', () => {
  it('round-trips the golden registry byte for byte', async () => {
    const text = await golden();
    const doc = parseRegistry(text);
    expect(doc.ok).toBe(true);
    if (doc.ok) expect(serializeRegistry(doc.value)).toBe(text);
  });

  it('is canonical whatever the input order of lists and record keys', async () => {
    const doc = JSON.parse(await golden());
    doc.sources.reverse();
    doc.featureViews.reverse();
    doc.featureViews[0].tags = { z: '1', a: '2' };
    const out = JSON.parse(serializeRegistry(doc));
    expect(out.sources.map((s: { name: string }) => s.name)).toEqual([...out.sources.map((s: { name: string }) => s.name)].sort());
    expect(Object.keys(out.featureViews[1].tags)).toEqual(['a', 'z']);
    expect(Object.keys(out).slice(0, 4)).toEqual(['formatVersion', 'project', 'version', 'updatedAt']);
  });

  it('refuses other format versions and malformed documents', async () => {
    const doc = JSON.parse(await golden());
    const v2 = parseRegistry(JSON.stringify({ ...doc, formatVersion: 2 }));
    expect(!v2.ok && v2.error.code).toBe('unsupported_version');
    const bad = parseRegistry(JSON.stringify({ ...doc, featureViews: [{ name: 'x' }] }));
    expect(!bad.ok && bad.error.code).toBe('corrupt_data');
    const notJson = parseRegistry('{');
    expect(!notJson.ok && notJson.error.code).toBe('corrupt_data');
  });

  it('exports a JSON Schema that validates the golden registry and rejects broken ones', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(registryJsonSchema());
    const doc = JSON.parse(await golden());
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, featureViews: [{ ...doc.featureViews[0], ttlSeconds: -1 }] })).toBe(false);
    expect(validate({ ...doc, extra: 1 })).toBe(false);
    expect(validate({ ...doc, entities: [{ ...doc.entities[0], joinKeys: [{ name: 'k', valueType: 'float32' }] }] })).toBe(false);
  });
});
