import { describe, expect, it } from 'vitest';
import { readModel, rewriteModel } from '../test/model-rewrite.js';
import { seededRandom } from '../test/seeded-random.js';

const whitespaceChoices = ['', '', ' ', '\n', '\t', '\r\n  '];
const stringAlphabet = [
  'a',
  'm',
  'o',
  'd',
  'e',
  'l',
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  'ä',
  '😀',
  '\n',
  '/',
];
const keyChoices = ['model', 'messages', 'metadata', 'content', 'type', 'text', 'models', 'mod', 'tools'];

/** Writes a JSON value with random whitespace and randomly chosen (but valid) escapes. */
class JsonWriter {
  constructor(private readonly random: () => number) {}

  pick<T>(choices: readonly T[]): T {
    return choices[Math.floor(this.random() * choices.length)] as T;
  }

  whitespace(): string {
    return this.pick(whitespaceChoices);
  }

  stringLiteral(value: string): string {
    let literal = '"';
    for (const character of value) {
      const code = character.codePointAt(0) ?? 0;
      if (character === '"' || character === '\\') literal += `\\${character}`;
      else if (character === '\n') literal += this.random() < 0.5 ? '\\n' : '\\u000a';
      else if (character === '/' && this.random() < 0.5) literal += '\\/';
      else if (code < 0x80 && this.random() < 0.15) literal += `\\u${code.toString(16).padStart(4, '0')}`;
      else literal += character;
    }
    return `${literal}"`;
  }

  randomString(): string {
    const length = Math.floor(this.random() * 12);
    let value = '';
    for (let index = 0; index < length; index++) value += this.pick(stringAlphabet);
    return value;
  }

  value(depth: number): string {
    const roll = this.random();
    if (depth > 3 || roll < 0.35) return this.stringLiteral(this.randomString());
    if (roll < 0.45) return this.pick(['true', 'false', 'null', '0', '-1.5e3', '42']);
    if (roll < 0.7) {
      const items = Array.from({ length: Math.floor(this.random() * 4) }, () => this.entry(depth + 1));
      return `{${this.whitespace()}${items.join(`,${this.whitespace()}`)}${this.whitespace()}}`;
    }
    const items = Array.from({ length: Math.floor(this.random() * 4) }, () => this.value(depth + 1));
    return `[${this.whitespace()}${items.join(`,${this.whitespace()}`)}${this.whitespace()}]`;
  }

  entry(depth: number, key = this.pick(keyChoices)): string {
    return `${this.stringLiteral(key)}${this.whitespace()}:${this.whitespace()}${this.value(depth)}`;
  }
}

describe('the model rewrite on generated bodies', () => {
  it('matches JSON.parse and changes only the model value bytes', { timeout: 60_000 }, () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const random = seededRandom(seed);
      const writer = new JsonWriter(random);
      const otherKeys = ['messages', 'metadata', 'tools', 'system', 'stream', 'models'].filter(
        () => random() < 0.6,
      );
      const modelPosition = Math.floor(random() * (otherKeys.length + 1));
      const hasModelString = random() < 0.85;
      const modelLiteral = hasModelString
        ? writer.stringLiteral(writer.randomString())
        : writer.pick(['1', 'null', '{}']);

      const entries = otherKeys.map((key) => writer.entry(1, key));
      const separator = () => `,${writer.whitespace()}`;
      const before = `${writer.whitespace()}{${writer.whitespace()}${entries
        .slice(0, modelPosition)
        .map((entry) => entry + separator())
        .join('')}${writer.stringLiteral('model')}${writer.whitespace()}:${writer.whitespace()}`;
      const after = `${entries
        .slice(modelPosition)
        .map((entry) => separator() + entry)
        .join('')}${writer.whitespace()}}${writer.whitespace()}`;
      const json = before + modelLiteral + after;
      const parsed = JSON.parse(json);
      const newModel = writer.randomString();

      const body = Buffer.from(json);
      const rewritten = rewriteModel(body, newModel);

      if (!hasModelString) {
        expect(rewritten, `seed ${seed}`).toBeUndefined();
        expect(readModel(body), `seed ${seed}`).toBeUndefined();
        continue;
      }
      expect(readModel(body), `seed ${seed}`).toBe(parsed.model);
      expect(rewritten?.toString(), `seed ${seed}`).toBe(before + JSON.stringify(newModel) + after);
      expect(JSON.parse(rewritten?.toString() ?? ''), `seed ${seed}`).toEqual({ ...parsed, model: newModel });
    }
  });
});
