import { anthropicSignatureDomain, anthropicToolIdPattern } from '@ccb/protocol';
import type { RouteRequest, UpstreamTarget } from './ports.js';
import { type RepairedBody, repairSessionBody } from './repair-session-body.js';
import type { SessionDomains } from './session-domains.js';

/** The thinking-signature domain of a target: its profile's, the first-party API's when it has none. */
export function signatureDomainOf(target: UpstreamTarget): string {
  return target.capabilities?.signatureDomain ?? anthropicSignatureDomain;
}

/** True when `targets` span more than one signature domain: only then does ccb record and repair sessions. */
export function spansSignatureDomains(targets: Iterable<UpstreamTarget>): boolean {
  let first: string | undefined;
  for (const target of targets) {
    const domain = signatureDomainOf(target);
    if (first === undefined) first = domain;
    else if (domain !== first) return true;
  }
  return false;
}

/** Compiled tool-id patterns by source: a handful of distinct ones per process. */
const patterns = new Map<string, RegExp>();

function toolIdPatternOf(target: UpstreamTarget): RegExp {
  const source = target.capabilities?.toolIdPattern ?? anthropicToolIdPattern;
  let pattern = patterns.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source);
    patterns.set(source, pattern);
  }
  return pattern;
}

/**
 * Keeps sessions valid when they move between signature domains (docs/session-repair.md): repairs an attempt's body
 * for its target when the session was served in another domain, and records who served each session and signed each
 * thinking block. A proxy snapshot has one only while its providers span more than one domain.
 */
export class SessionRepair {
  readonly #domains: SessionDomains;

  constructor(domains: SessionDomains) {
    this.#domains = domains;
  }

  /**
   * The body to send `target` instead of `body`, and what changed, or `undefined` to send `body` as it is: when the
   * session is unknown or was served only in the target's own domain (no parse), or when nothing in it needs
   * changing. Messages and count_tokens bodies alike: both carry the conversation. `body` gives the bytes, asked
   * for only when the session crossed domains (a body in pieces is joined then).
   */
  prepare(route: RouteRequest, target: UpstreamTarget, body: () => Buffer): RepairedBody | undefined {
    const sessionKey = route.sessionKey;
    if (sessionKey === undefined) return undefined;
    const served = this.#domains.domainsOf(sessionKey);
    if (served === undefined) return undefined;
    const domain = signatureDomainOf(target);
    if (served.size === 1 && served.has(domain)) return undefined;
    const domains = this.#domains;
    return repairSessionBody(body(), {
      domain,
      signedHere: (signature) => domains.domainOfSignature(signature) === domain,
      toolIdPattern: toolIdPatternOf(target),
      // Nothing foreign in the history for this domain (a short visit elsewhere, e.g. a background call, left no
      // blocks): later turns here need no parse.
      onClean: () => domains.onlyIn(sessionKey, domain),
    });
  }

  /** What a Messages attempt to `target` records once it served, `undefined` when it has no session to record. */
  captureFor(route: RouteRequest, target: UpstreamTarget): SessionCapture | undefined {
    if (route.sessionKey === undefined || (route.api ?? 'messages') !== 'messages') return undefined;
    return new SessionCapture(
      this.#domains,
      route.sessionKey,
      signatureDomainOf(target),
      route.thinking === true,
    );
  }
}

/** One attempt's share of the session record: the attempt handler calls `served` when its answer ended well. */
export class SessionCapture {
  readonly #domains: SessionDomains;
  readonly #sessionKey: string;
  readonly #domain: string;
  /** The request has thinking on: only then can its answer carry signatures worth reading. */
  readonly signs: boolean;

  constructor(domains: SessionDomains, sessionKey: string, domain: string, signs: boolean) {
    this.#domains = domains;
    this.#sessionKey = sessionKey;
    this.#domain = domain;
    this.signs = signs;
  }

  /** The target served the session, with these thinking signatures in its answer. */
  served(signatures: readonly string[]): void {
    for (const signature of signatures) this.#domains.signed(signature, this.#domain);
    this.#domains.served(this.#sessionKey, this.#domain);
  }
}
