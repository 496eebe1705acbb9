import { describe, expect, it } from 'vitest';
import { scanIsStreaming, scanModel } from './scan-request-body.js';

const scan = (text: string) => ({
  model: scanModel(Buffer.from(text)),
  streaming: scanIsStreaming(Buffer.from(text)),
});

describe('request body scan', () => {
  it('reads model and stream from compact and spaced JSON', () => {
    expect(scan('{"model":"claude-opus-5-5","stream":true}')).toEqual({
      model: 'claude-opus-5-5',
      streaming: true,
    });
    expect(scan('{ "stream" : false , "model" :\n "x" }')).toEqual({ model: 'x', streaming: false });
  });

  it('ignores "model" and "stream" that are values, not keys', () => {
    expect(scan('{"messages":[{"content":"model"}],"model":"real","x":"stream","stream":true}')).toEqual({
      model: 'real',
      streaming: true,
    });
  });

  it('gives up on a missing, non-string or escaped model', () => {
    expect(scanModel(Buffer.from('{"messages":[]}'))).toBeUndefined();
    expect(scanModel(Buffer.from('{"model":5}'))).toBeUndefined();
    expect(scanModel(Buffer.from('{"model":"a\\"b"}'))).toBeUndefined();
  });
});
