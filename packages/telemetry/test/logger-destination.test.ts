import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SonicBoomOpts, SonicBoom as SonicBoomStream } from 'sonic-boom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';
import { attemptRecord, requestRecord } from './_records.js';

/** sonic-boom 5 (CommonJS): its `flush(cb)` answers once asynchronous writes in flight are done. */
const SonicBoom = createRequire(import.meta.url)('sonic-boom') as new (
  options: SonicBoomOpts,
) => SonicBoomStream;

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ccb-telemetry-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('logger with an asynchronous sonic-boom destination', () => {
  it('has every line in the file once flush resolves, none holding a secret', async () => {
    const path = join(directory, 'ccb.log');
    const providerKey = 'sk-ant-api03-provider-key-under-test';
    const destination = new SonicBoom({ dest: path, sync: false, mkdir: true });
    const logger = createLogger({ level: 'info', format: 'json', destination, redactValues: [providerKey] });
    for (let index = 0; index < 2000; index += 1) {
      logger.request(
        requestRecord({
          requestId: `ccb_${index}`,
          attempts: [
            attemptRecord({ result: 'failure', reason: `rejected ${providerKey}` }),
            attemptRecord(),
          ],
          outcome: 'failed_over',
        }),
      );
    }
    await logger.flush();

    const text = await readFile(path, 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2000);
    expect((JSON.parse(lines[1999] as string) as { request_id: string }).request_id).toBe('ccb_1999');
    expect(text).not.toContain(providerKey);
    destination.end();
  });

  it('rejects flush with a stable code when the destination is gone', async () => {
    const destination = new SonicBoom({ dest: join(directory, 'gone.log'), sync: false });
    const logger = createLogger({ level: 'info', format: 'json', destination });
    await once(destination, 'ready');
    destination.destroy();
    await expect(logger.flush()).rejects.toMatchObject({ code: 'CCB_TELEMETRY_FLUSH_FAILED' });
  });
});
