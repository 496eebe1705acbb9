import { expectTypeOf, test } from 'vitest';
import type { Provider } from './provider.js';

/** The structural interface `@ccb/proxy` declares for an upstream (copied from the proxy's ports). */
interface ProxyUpstreamShape {
  readonly name: string;
  readonly origin: string;
  readonly basePath: string;
  readonly forwardsClientCredentials: boolean;
  readonly extraHeaders: readonly (readonly [name: string, value: string])[];
  credentialHeaders():
    | readonly (readonly [name: string, value: string])[]
    | Promise<readonly (readonly [name: string, value: string])[]>;
  invalidateCredentials(): boolean | Promise<boolean>;
  mapModel(model: string): string | undefined;
  rewriteModel(body: Buffer, model: string): Buffer | undefined;
}

test('Provider satisfies the proxy upstream interface', () => {
  expectTypeOf<Provider>().toExtend<ProxyUpstreamShape>();
});
