import { describe, expect, it } from 'vitest';
import { scenarios, scenariosOf } from './scenarios.js';
import { windowsLabel } from './windows-label.js';

describe('windowsLabel', () => {
  it('names the windows of a run: none for one a round, one count when all agree, the range when they differ', () => {
    expect(windowsLabel(scenariosOf('default'), undefined)).toBe('');
    expect(windowsLabel(scenariosOf('claude-code'), undefined)).toBe(' of 4 windows');
    expect(windowsLabel(scenarios, undefined)).toBe(' of 1–4 windows');
    expect(windowsLabel(scenarios, 3)).toBe(' of 3 windows');
    expect(windowsLabel(scenarios, 1)).toBe('');
    expect(windowsLabel([], undefined)).toBe('');
  });
});
