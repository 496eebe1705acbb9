import { describe, expect, it } from 'vitest';
import { emptyUsage, mergeUsage, readResponseUsage } from './usage.js';

/** Reads `usage` from a response body where it is last (found from the end) and one where it is not (forward scan). */
function viaScan(usageJson: string): ReturnType<typeof readResponseUsage> {
  const content = '"content":[{"type":"text","text":"a } \\" ]"}]';
  const last = readResponseUsage(Buffer.from(`{"id":"msg_1",${content}, "usage" : ${usageJson} }`));
  const notLast = readResponseUsage(Buffer.from(`{"id":"msg_1","usage":${usageJson},${content}}`));
  expect(notLast).toEqual(last);
  return last;
}

function viaParse(usageJson: string): ReturnType<typeof readResponseUsage> {
  const usage = emptyUsage();
  mergeUsage(usage, JSON.parse(usageJson));
  return usage;
}

describe('readUsage', () => {
  it('reads the same counts as JSON.parse and mergeUsage', () => {
    for (const usage of [
      '{"input_tokens":12,"output_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}',
      '{"input_tokens":3,"cache_creation_input_tokens":1200,"cache_read_input_tokens":98765,"cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":1000},"output_tokens":512,"service_tier":"standard"}',
      '{ "output_tokens" : 7 , "server_tool_use" : { "web_search_requests" : 0 } }',
      '{"input_tokens":1e3,"output_tokens":12345678901234567,"cache_creation":null}',
      '{"input_tokens":"12","output_tokens":null,"cache_creation":{"ephemeral_5m_input_tokens":4}}',
      '{}',
    ]) {
      expect(viaScan(usage), usage).toEqual(viaParse(usage));
    }
  });

  it('reads nothing from a usage that is not an object', () => {
    expect(viaScan('null')).toBeUndefined();
    expect(viaScan('[1,2]')).toBeUndefined();
  });
});
