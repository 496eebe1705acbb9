/** One entry of `GET /v1/models`, in the Anthropic list shape. */
export interface MockModel {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  /** RFC 3339. */
  readonly created_at: string;
}

/** The models the mock lists: current Claude Code defaults and the families priced in protocol §11. */
export const mockModels: readonly MockModel[] = [
  {
    type: 'model',
    id: 'claude-opus-5-5',
    display_name: 'Claude Opus 5.5',
    created_at: '2026-09-15T00:00:00Z',
  },
  {
    type: 'model',
    id: 'claude-sonnet-5-5',
    display_name: 'Claude Sonnet 5.5',
    created_at: '2026-09-15T00:00:00Z',
  },
  {
    type: 'model',
    id: 'claude-haiku-5-5',
    display_name: 'Claude Haiku 5.5',
    created_at: '2026-09-15T00:00:00Z',
  },
  {
    type: 'model',
    id: 'claude-sonnet-4-6',
    display_name: 'Claude Sonnet 4.6',
    created_at: '2026-02-17T00:00:00Z',
  },
];

/** The `GET /v1/models` body: `{data, has_more, first_id, last_id}`, one page holding every model. */
export function renderModelList(models: readonly MockModel[] = mockModels): string {
  return JSON.stringify({
    data: models,
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  });
}

/** {@link renderModelList} of {@link mockModels}, rendered once. */
export const mockModelListBody: string = renderModelList();
