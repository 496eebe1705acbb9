const identifierKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders a path the way users read their config: `providers[0].headers.x-extra`.
 * Keys that would be ambiguous in that notation are quoted: `model_map["a.b"]`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (identifierKey.test(key)) text += text === '' ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}
