import { describe, expect, it } from 'vitest';
import { paint, shouldColour, stripAnsi } from './colour.js';

describe('shouldColour', () => {
  it('colours a terminal and nothing else by default', () => {
    expect(shouldColour({ isTTY: true, env: {} })).toBe(true);
    expect(shouldColour({ isTTY: undefined, env: {} })).toBe(false);
    expect(shouldColour({ isTTY: false, env: {} })).toBe(false);
  });

  it('honours NO_COLOR with any non-empty value, and TERM=dumb', () => {
    expect(shouldColour({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(shouldColour({ isTTY: true, env: { NO_COLOR: 'yes' } })).toBe(false);
    expect(shouldColour({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
    expect(shouldColour({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
  });

  it('lets FORCE_COLOR win over a pipe and NO_COLOR, and turn colour off with 0 or false', () => {
    expect(shouldColour({ isTTY: undefined, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(shouldColour({ isTTY: undefined, env: { FORCE_COLOR: '' } })).toBe(true);
    expect(shouldColour({ isTTY: false, env: { FORCE_COLOR: '3', NO_COLOR: '1' } })).toBe(true);
    expect(shouldColour({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(shouldColour({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(false);
  });
});

describe('paint', () => {
  it('wraps text in a foreground colour that stripAnsi removes again', () => {
    expect(paint.red('open')).toBe('\u001b[31mopen\u001b[39m');
    expect(stripAnsi(`${paint.yellow('a')} ${paint.green('b')}`)).toBe('a b');
  });
});
