import { describe, expect, it } from 'vitest';
import { anthropicSnapshotId } from './model-snapshots.js';

describe('anthropicSnapshotId', () => {
  it('gives an alias’s snapshot and a listed snapshot itself', () => {
    expect(anthropicSnapshotId('claude-sonnet-4-5')).toBe('claude-sonnet-4-5-20250929');
    expect(anthropicSnapshotId('claude-opus-4-0')).toBe('claude-opus-4-20250514');
    expect(anthropicSnapshotId('claude-haiku-4-5-20251001')).toBe('claude-haiku-4-5-20251001');
  });

  it('knows nothing of undated models, cloud ids and unlisted snapshots', () => {
    expect(anthropicSnapshotId('claude-opus-4-6')).toBeUndefined();
    expect(anthropicSnapshotId('claude-sonnet-4-5@20250929')).toBeUndefined();
    expect(anthropicSnapshotId('claude-3-5-sonnet-20241022')).toBeUndefined();
  });
});
