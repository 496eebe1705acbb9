/** A request body parsed at most once; `jsonInvalid` also covers an empty body. */
export interface ParsedBody {
  readonly json: unknown;
  readonly jsonInvalid: boolean;
}

/** Parses a UTF-8 JSON body without throwing. */
export function readJson(body: Buffer): ParsedBody {
  if (body.length === 0) return { json: undefined, jsonInvalid: true };
  try {
    return { json: JSON.parse(body.toString('utf8')), jsonInvalid: false };
  } catch {
    return { json: undefined, jsonInvalid: true };
  }
}
