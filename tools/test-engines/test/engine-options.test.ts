import { describe, expect, it } from 'vitest';
import { niced } from '../src/engine-options.js';

describe('niced', () => {
  it('runs an engine through nice only when a niceness is given', () => {
    expect(niced(undefined, '/usr/bin/redis-server', ['--port', '1'])).toEqual([
      '/usr/bin/redis-server',
      ['--port', '1'],
    ]);
    expect(niced(0, 'pg_ctl', ['start'])).toEqual(['pg_ctl', ['start']]);
    expect(niced(19, 'pg_ctl', ['-D', 'd', 'start'])).toEqual([
      'nice',
      ['-n', '19', 'pg_ctl', '-D', 'd', 'start'],
    ]);
  });
});
