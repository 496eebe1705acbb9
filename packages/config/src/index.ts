/** @ccb/config: ccb.yaml → `${VAR}` expansion → zod validation → a deep-frozen `Config`, with located errors. */

export type { ConfigChange } from './config-change.js';
export { ConfigError, type ConfigErrorCode, type ConfigErrorOptions } from './config-error.js';
export { configHash } from './config-hash.js';
export { configJsonSchema } from './config-json-schema.js';
export { defineConfig } from './define-config.js';
export { didYouMean } from './did-you-mean.js';
export { diffConfigs } from './diff-configs.js';
export { type Env, type EnvExpansion, expandEnvString } from './expand-env.js';
export { configFileNames, type FindConfigFileOptions, findConfigFile } from './find-config-file.js';
export { formatConfigDiff } from './format-config-diff.js';
export { type ConfigIssue, formatConfigIssue } from './format-config-issue.js';
export { type LoadConfigOptions, type LoadedConfig, loadConfig } from './load-config.js';
export { type LoadedConfigSection, loadConfigSection } from './load-config-section.js';
export { type ParseConfigOptions, parseConfig } from './parse-config.js';
export { type ConfigSectionName, parseConfigSection } from './parse-config-section.js';
export { parseDuration } from './parse-duration.js';
export { parseSize } from './parse-size.js';
export { type ProviderPatch, persistProviderChange } from './persist-provider-change.js';
export {
  type ConfigSecret,
  configSecretFields,
  configSecrets,
  isPublicKeyReference,
  redactConfig,
  redactedValue,
} from './redact-config.js';
export { type ResolveConfigOptions, resolveConfig } from './resolve-config.js';
export { type AuthConfig, authSchema } from './schema/auth-schema.js';
export {
  bedrockRuntimeUrl,
  type ProviderGcpConfig,
  vertexApiUrl,
} from './schema/cloud-provider-schema.js';
export { type Config, type ConfigInput, configSchema } from './schema/config-schema.js';
export { type DedupConfig, dedupSchema } from './schema/dedup-schema.js';
export {
  type HealthConfig,
  healthSchema,
  type ProbeConfig,
  type ProbeKind,
  probeKinds,
  probeSchema,
} from './schema/health-schema.js';
export {
  type AuthType,
  authTypes,
  type ProviderConfig,
  type ProviderKind,
  type ProviderOAuthConfig,
  type ProviderTimeouts,
  providerKinds,
  providerSchema,
} from './schema/provider-schema.js';
export {
  type RoutingConfig,
  type RoutingStrategyName,
  routingSchema,
  routingStrategies,
} from './schema/routing-schema.js';
export {
  type LogFormat,
  type LogLevel,
  logFormats,
  logLevels,
  type ServerConfig,
  serverSchema,
} from './schema/server-schema.js';
export { type StateConfig, stateSchema, stateStores } from './schema/state-schema.js';
export { starterConfigYaml, starterEnvExample } from './starter-config.js';
export {
  type ConfigFilesWatcher,
  type WatchConfigFilesOptions,
  watchConfigFiles,
} from './watch-config-files.js';
