import manifest from '../package.json' with { type: 'json' };

/** The version of the `ccb` CLI, from its manifest. */
export const version: string = manifest.version;
