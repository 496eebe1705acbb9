import { describe, expect, it } from 'vitest';
import { parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';
import { redactConfig } from './redact-config.js';

const provider = (fields: string) => `providers:\n  - name: vx\n${fields}`;
const messages = (fields: string) => parseError(provider(fields)).issues.map((issue) => issue.message);

describe('parseConfig: kind vertex', () => {
  it('resolves a vertex provider with a credentials file to its region’s endpoint', () => {
    const config = parseConfig(
      provider(
        '    kind: vertex\n    region: us-east5\n    gcp: { project: my-project, credentials_file: sa.json }\n',
      ),
      { env: {} },
    );
    const resolved = config.providers[0];
    expect(resolved?.base_url).toBe('https://us-east5-aiplatform.googleapis.com');
    expect(resolved?.gcp).toEqual({ project: 'my-project', credentials_file: 'sa.json' });
    expect(resolved?.api_key).toBeUndefined();
  });

  it('uses the global endpoint’s host for region global, and keeps an explicit base_url', () => {
    const global = parseConfig(
      provider('    kind: vertex\n    region: global\n    gcp: { project: my-project }\n'),
      {
        env: {},
      },
    );
    expect(global.providers[0]?.base_url).toBe('https://aiplatform.googleapis.com');
    const local = parseConfig(
      provider(
        '    kind: vertex\n    region: europe-west1\n    base_url: http://127.0.0.1:9/x\n    gcp: { project: my-project }\n',
      ),
      { env: {} },
    );
    expect(local.providers[0]?.base_url).toBe('http://127.0.0.1:9/x');
  });

  it('takes a fixed access token from the environment and redacts it', () => {
    const config = parseConfig(
      provider(
        '    kind: vertex\n    region: us-east5\n    gcp: { project: my-project, access_token: "${TOKEN}" }\n',
      ),
      { env: { TOKEN: 'ya29.SECRETTOKEN' } },
    );
    expect(config.providers[0]?.gcp?.access_token).toBe('ya29.SECRETTOKEN');
    expect(JSON.stringify(redactConfig(config))).not.toContain('ya29.SECRETTOKEN');
  });

  it('explains what a vertex provider lacks or has too much of', () => {
    expect(messages('    kind: vertex\n')).toEqual([
      'is required for kind vertex, e.g. region: us-east5 (or global)',
      'is required for kind vertex: gcp: { project: my-project, credentials_file: sa.json } (or access_token, or just project for application default credentials)',
    ]);
    expect(messages('    kind: vertex\n    region: us-east-1\n    gcp: { project: my-project }\n')).toEqual([
      'must be a Google Cloud location such as us-east5, europe-west1 or global',
    ]);
    expect(
      messages(
        '    kind: vertex\n    region: us-east5\n    gcp: { project: my-project, credentials_file: a.json, access_token: t }\n',
      ),
    ).toEqual([
      'must be absent when credentials_file is set: give one of credentials_file or access_token, or neither for application default credentials',
    ]);
    expect(
      messages('    kind: vertex\n    region: us-east5\n    api_key: k\n    gcp: { project: my-project }\n'),
    ).toEqual(['must be absent for kind vertex, which sends Google access tokens (see gcp)']);
    expect(messages('    kind: vertex\n    region: us-east5\n    gcp: { project: My_Project }\n')).toEqual([
      'must be a Google Cloud project id such as my-project',
    ]);
    expect(
      messages('    kind: vertex\n    region: us-east5\n    gcp: { project: my-project, key: x }\n')[0],
    ).toMatch(/key/);
  });

  it('refuses gcp on other kinds', () => {
    expect(messages('    api_key: k\n    gcp: { project: my-project }\n')).toEqual([
      'is only for kind vertex',
    ]);
    expect(
      messages(
        '    kind: bedrock\n    region: us-east-1\n    api_key: k\n    gcp: { project: my-project }\n',
      ),
    ).toEqual(['is only for kind vertex']);
  });
});
