import { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { learnRule, leavesToNode } from './header-field-rules.js';

describe('learnRule', () => {
  it('leaves to Node a name whose rule it does not know, and keeps the first only when Node did', () => {
    const node = IncomingMessage.prototype as unknown as Parameters<typeof learnRule>[0];
    expect(leavesToNode(learnRule(node, 'Content-Type'))).toBe(false);
    expect(leavesToNode(learnRule(node, 'X-Custom'))).toBe(false);
    // Rules a later Node might have: the last value kept, or another separator.
    const lastKept = {
      _addHeaderLine: (field: string, value: string, dest: Record<string, unknown>) => {
        dest[field.toLowerCase()] = value;
      },
    };
    const piped = {
      _addHeaderLine: (field: string, value: string, dest: Record<string, unknown>) => {
        const key = field.toLowerCase();
        dest[key] = dest[key] === undefined ? value : `${dest[key]} | ${value}`;
      },
    };
    expect(leavesToNode(learnRule(lastKept, 'X-Custom'))).toBe(true);
    expect(leavesToNode(learnRule(piped, 'X-Custom'))).toBe(true);
  });
});
