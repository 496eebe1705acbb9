import { describe, expect, it } from 'vitest';
import { expandEnvInValue, expandEnvString } from './expand-env.js';

describe('expandEnvString', () => {
  it('substitutes several references in one string', () => {
    const expansion = expandEnvString('${SCHEME}://${HOST}:${PORT}/x', {
      SCHEME: 'https',
      HOST: 'h',
      PORT: '1',
    });
    expect(expansion).toEqual({ value: 'https://h:1/x', substituted: true, problems: [] });
  });

  it('uses the default when the variable is unset or empty', () => {
    expect(expandEnvString('${A:-fallback}', {}).value).toBe('fallback');
    expect(expandEnvString('${A:-fallback}', { A: '' }).value).toBe('fallback');
    expect(expandEnvString('${A:-fallback}', { A: 'set' }).value).toBe('set');
    expect(expandEnvString('${A:-}', {}).value).toBe('');
  });

  it('keeps an empty value for a plain reference', () => {
    expect(expandEnvString('${A}', { A: '' })).toEqual({ value: '', substituted: true, problems: [] });
  });

  it('turns $${VAR} into a literal ${VAR} without looking the variable up', () => {
    expect(expandEnvString('cost $${PRICE} and ${A}', { A: 'a' })).toEqual({
      value: 'cost ${PRICE} and a',
      substituted: true,
      problems: [],
    });
    expect(expandEnvString('$${ONLY}', {})).toEqual({ value: '${ONLY}', substituted: false, problems: [] });
  });

  it('leaves other dollar signs alone', () => {
    expect(expandEnvString('pa$$word $5 $A', {}).value).toBe('pa$$word $5 $A');
  });

  it('reports every unset variable by name with a hint', () => {
    const expansion = expandEnvString('${A}-${B}', {});
    expect(expansion.problems).toEqual([
      'environment variable A is not set (use ${A:-default} for a default)',
      'environment variable B is not set (use ${B:-default} for a default)',
    ]);
  });

  it('reports malformed references', () => {
    expect(expandEnvString('${1X}', {}).problems[0]).toMatch(/^invalid reference "\$\{1X\}"/);
    expect(expandEnvString('${A-x}', {}).problems[0]).toMatch(/^invalid reference/);
    expect(expandEnvString('${A', {}).problems[0]).toMatch(/^unterminated reference "\$\{A"/);
  });
});

describe('expandEnvInValue', () => {
  it('expands string values at any depth, leaves keys and non-strings, and copies', () => {
    const input = { list: ['${A}', 3, true, null], map: { '${A}': '${A}' } };
    const { value, problems } = expandEnvInValue(input, { A: 'x' });
    expect(value).toEqual({ list: ['x', 3, true, null], map: { '${A}': 'x' } });
    expect(problems).toEqual([]);
    expect(input.list[0]).toBe('${A}');
  });

  it('reports problems with the path of their string', () => {
    const { problems } = expandEnvInValue({ providers: [{ api_key: '${KEY}' }] }, {});
    expect(problems).toEqual([
      { path: ['providers', 0, 'api_key'], message: expect.stringContaining('KEY is not set') },
    ]);
  });
});
