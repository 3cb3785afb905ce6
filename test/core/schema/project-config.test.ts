import { describe, expect, it } from 'vitest';
import { ProjectConfig } from '../../../src/core/schema/project-config.ts';

describe('larder.yaml', () => {
  it('needs only a project; everything else has a default', () => {
    expect(ProjectConfig.parse({ project: 'driver_stats' })).toEqual({
      project: 'driver_stats',
      registry: { type: 'file', path: 'data/registry.json' },
      onlineStore: { type: 'sqlite', path: 'data/online.db' },
      offlineStore: { type: 'file', path: 'data/offline' },
    });
  });

  it('takes a registry as a path or as a typed store', () => {
    expect(ProjectConfig.parse({ project: 'p', registry: 'reg.json' }).registry).toEqual({ type: 'file', path: 'reg.json' });
    expect(ProjectConfig.parse({ project: 'p', registry: { type: 'd1' } }).registry).toEqual({ type: 'd1', binding: 'DB', cacheTtlSeconds: 10 });
    expect(ProjectConfig.parse({ project: 'p', registry: { type: 'kv', binding: 'REG', cache_ttl_seconds: 60 } }).registry).toEqual({
      type: 'kv',
      binding: 'REG',
      keyPrefix: 'registry:',
      cacheTtlSeconds: 60,
    });
  });

  it('takes every online store type', () => {
    for (const type of ['kv', 'd1', 'sqlite', 'memory']) {
      expect(ProjectConfig.parse({ project: 'p', online_store: { type } }).onlineStore.type).toBe(type);
    }
  });

  it('refuses unknown keys, unknown types and bad project names', () => {
    expect(ProjectConfig.safeParse({}).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: '1abc' }).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', onlin_store: {} }).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', online_store: { type: 'redis' } }).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', online_store: { type: 'sqlite', pth: 'x' } }).success).toBe(false);
  });
});
