import { describe, expect, it } from 'vitest';
import { applicationDefaultCredentialsPath } from './vertex-credentials.js';

describe('applicationDefaultCredentialsPath', () => {
  const base = { baseDir: '/etc/ccb', homeDir: '/home/ada', platform: 'linux' as const };

  it('takes GOOGLE_APPLICATION_CREDENTIALS first', () => {
    expect(
      applicationDefaultCredentialsPath({
        ...base,
        env: { GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json', CLOUDSDK_CONFIG: '/x' },
      }),
    ).toBe('/keys/sa.json');
  });

  it('falls back to gcloud’s file: CLOUDSDK_CONFIG, else ~/.config/gcloud, else %APPDATA%\\gcloud on Windows', () => {
    expect(
      applicationDefaultCredentialsPath({
        ...base,
        env: { GOOGLE_APPLICATION_CREDENTIALS: '', CLOUDSDK_CONFIG: '' },
      }),
    ).toBe('/home/ada/.config/gcloud/application_default_credentials.json');
    expect(applicationDefaultCredentialsPath({ ...base, env: { CLOUDSDK_CONFIG: '/opt/gcloud' } })).toBe(
      '/opt/gcloud/application_default_credentials.json',
    );
    expect(
      applicationDefaultCredentialsPath({
        ...base,
        platform: 'win32',
        env: { APPDATA: '/users/ada/AppData/Roaming' },
      }),
    ).toBe('/users/ada/AppData/Roaming/gcloud/application_default_credentials.json');
  });
});
