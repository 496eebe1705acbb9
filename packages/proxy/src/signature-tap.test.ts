import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SignatureTap } from './signature-tap.js';

const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const stream = [
  event('message_start', { type: 'message_start', message: { content: [] } }),
  event('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'thinking', thinking: '', signature: '' },
  }),
  event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'thinking_delta', thinking: 'signature_delta is just text here' },
  }),
  event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'signature_delta', signature: `S1${'x'.repeat(3000)}` },
  }),
  event('content_block_stop', { type: 'content_block_stop', index: 0 }),
  event('content_block_start', {
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'redacted_thinking', data: 'R2' },
  }),
  event('content_block_stop', { type: 'content_block_stop', index: 1 }),
  event('content_block_start', {
    type: 'content_block_start',
    index: 2,
    content_block: { type: 'text', text: '' },
  }),
  event('message_stop', { type: 'message_stop' }),
].join('');

describe('SignatureTap', () => {
  it('collects the signature_delta and redacted_thinking data of a stream, however it is cut into chunks', () => {
    const bytes = Buffer.from(stream);
    for (const size of [1, 7, 100, bytes.length]) {
      const tap = new SignatureTap(true);
      for (let at = 0; at < bytes.length; at += size) tap.push(bytes.subarray(at, at + size));
      expect(tap.signatures(undefined)).toEqual([`S1${'x'.repeat(3000)}`, 'R2']);
    }
  });

  it('reads the signatures of a JSON answer, compressed or not', () => {
    const answer = JSON.stringify({
      content: [
        { type: 'thinking', thinking: 't', signature: 'S1' },
        { type: 'redacted_thinking', data: 'R2' },
        { type: 'text', text: 'hi' },
      ],
    });
    const plain = new SignatureTap(false);
    plain.push(Buffer.from(answer));
    expect(plain.signatures(undefined)).toEqual(['S1', 'R2']);
    const gzipped = new SignatureTap(false);
    gzipped.push(gzipSync(answer));
    expect(gzipped.signatures('gzip')).toEqual(['S1', 'R2']);
    const none = new SignatureTap(false);
    none.push(Buffer.from('{"content":[{"type":"text","text":"hi"}]}'));
    expect(none.signatures(undefined)).toEqual([]);
  });
});
