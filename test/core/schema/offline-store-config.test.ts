import { describe, expect, it } from 'vitest';
import { ProjectConfig } from '../../../src/core/schema/project-config.ts';

describe('offline_store in larder.yaml', () => {
  it('defaults to the repo folder; path alone still means file', () => {
    expect(ProjectConfig.parse({ project: 'p' }).offlineStore).toEqual({ type: 'file', path: 'data/offline' });
    expect(ProjectConfig.parse({ project: 'p', offline_store: { path: 'x' } }).offlineStore).toEqual({ type: 'file', path: 'x' });
  });

  it('r2 names a Worker binding and its bucket', () => {
    expect(ProjectConfig.parse({ project: 'p', offline_store: { type: 'r2' } }).offlineStore).toEqual({ type: 'r2', binding: 'OFFLINE', bucketName: 'larder-offline' });
    expect(ProjectConfig.parse({ project: 'p', offline_store: { type: 'r2', binding: 'HIST', bucket_name: 'b' } }).offlineStore).toEqual({ type: 'r2', binding: 'HIST', bucketName: 'b' });
  });

  it('refuses unknown keys and types', () => {
    expect(ProjectConfig.safeParse({ project: 'p', offline_store: { type: 'r2', path: 'x' } }).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', offline_store: { type: 's3' } }).success).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', offline_store: { type: 'r2', binding: 'not a binding' } }).success).toBe(false);
  });
});
