/** A JSON Schema node as `configJsonSchema()` emits it (draft-07, the keywords zod produces). */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  anyOf?: SchemaNode[];
  required?: string[];
}

/**
 * Renders the configuration reference (docs/configuration.md) from the JSON Schema, so the documentation cannot
 * drift from what the validator accepts.
 */
export function renderConfigReference(schema: SchemaNode): string {
  const sections: string[] = [];
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    const rows: string[] = [];
    collectRows(node, name, rows, schema.required?.includes(name) ?? false);
    sections.push(
      `### \`${name}\`\n\n${node.description ?? ''}\n\n| Key | Type | Default | Description |\n|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  }
  return sections.join('\n');
}

function collectRows(node: SchemaNode, path: string, rows: string[], required: boolean): void {
  const object = node.type === 'object' && node.properties !== undefined ? node : undefined;
  const items = node.type === 'array' ? node.items : undefined;
  const nested = object ?? (items?.type === 'object' && items.properties !== undefined ? items : undefined);
  if (nested === undefined) {
    rows.push(
      `| \`${path}\` | ${typeOf(node)} | ${defaultOf(node, required)} | ${escapeCell(node.description ?? '')} |`,
    );
    return;
  }
  const prefix = nested === items ? `${path}[]` : path;
  if (nested === items)
    rows.push(
      `| \`${path}\` | list | ${defaultOf(node, required)} | ${escapeCell(node.description ?? '')} |`,
    );
  for (const [key, child] of Object.entries(nested.properties ?? {})) {
    collectRows(child, `${prefix}.${key}`, rows, nested.required?.includes(key) ?? false);
  }
}

function typeOf(node: SchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (node.anyOf !== undefined) {
    const kinds = node.anyOf.map((option) => typeOf(option));
    if (kinds.includes('number') && kinds.includes('string')) return 'number or string';
    return kinds.join(' or ');
  }
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object') return 'map';
  if (node.type === 'integer') return 'integer';
  return Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
}

function defaultOf(node: SchemaNode, required: boolean): string {
  if (node.default !== undefined) {
    const value = node.default;
    if (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
      return Array.isArray(value) ? '`[]`' : '`{}`';
    return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
  }
  return required ? 'required' : '—';
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
