import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from './create-router.js';
import type { ModelRule } from './model-rule.js';
import { RouterError } from './router-error.js';

const targets: RouterOptions['targets'] = [
  { name: 'anthropic', models: ['claude-*'] },
  { name: 'team-key', models: ['claude-*'] },
  { name: 'cheap', models: ['claude-haiku-*', 'claude-3-5-haiku-*', 'glm-*'] },
  { name: 'long-context', models: ['claude-sonnet-5-1m'] },
];

const rules: readonly ModelRule[] = [
  { name: 'background', match: { family: 'haiku' }, providers: ['cheap'] },
  {
    name: 'long',
    match: { minInputTokens: 150_000 },
    providers: ['long-context', 'anthropic'],
    model: 'claude-sonnet-5-1m',
  },
  { name: 'deep-thought', match: { thinking: true }, providers: ['anthropic'] },
  { name: 'glm', match: { model: 'glm-*' }, providers: ['cheap'] },
];

function setup(options: Partial<RouterOptions> = {}) {
  let nowInMs = Date.UTC(2026, 10, 29, 12, 0, 0);
  const router = createRouter({
    targets,
    rules,
    strategy: 'priority',
    now: () => nowInMs,
    ...options,
  });
  return {
    router,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

function ruleErrorCode(options: Partial<RouterOptions>): string | undefined {
  try {
    createRouter({ targets, ...options });
  } catch (error) {
    return RouterError.is(error) ? error.code : 'not a RouterError';
  }
  return undefined;
}

describe('model rules', () => {
  it.each([
    'claude-haiku-4-5-20251001',
    'claude-haiku-5-5',
    'claude-3-5-haiku-20241022',
    'claude-3-haiku-20240307',
    'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    'anthropic/claude-haiku-4.5',
    'claude-haiku-4-5@20251001',
  ])('matches the haiku family in %s', (model) => {
    const { router } = setup();
    expect(router.route({ model, sessionKey: undefined })).toMatchObject({ rule: 'background' });
  });

  it.each(['claude-sonnet-4-5', 'claude-opus-5-5', 'haiku', 'claude-haikus-1', 'not-claude-haiku-1'])(
    'does not take %s for the haiku family',
    (model) => {
      const { router } = setup();
      expect(router.route({ model }).rule).toBeUndefined();
    },
  );

  it('sends the background model to its cheap group only', () => {
    const { router } = setup({ strategy: 'round-robin' });
    for (let round = 0; round < 5; round++) {
      expect(router.route({ model: 'claude-haiku-5-5' })).toEqual({
        providers: ['cheap'],
        rule: 'background',
        affinity: false,
      });
    }
    expect(router.plan({ model: 'claude-haiku-5-5' })).toEqual(['cheap']);
  });

  it('routes requests with thinking to their group and the others as usual', () => {
    const { router } = setup();
    expect(router.route({ model: 'claude-opus-5-5', thinking: true })).toEqual({
      providers: ['anthropic'],
      rule: 'deep-thought',
      affinity: false,
    });
    expect(router.route({ model: 'claude-opus-5-5', thinking: false })).toEqual({
      providers: ['anthropic', 'team-key'],
      affinity: false,
    });
  });

  it('rewrites the model of long contexts and filters the group by the rewritten model', () => {
    const { router } = setup();
    expect(router.route({ model: 'claude-sonnet-5', inputTokens: 149_999 })).toEqual({
      providers: ['anthropic', 'team-key'],
      affinity: false,
    });
    // anthropic serves claude-* and so the rewritten model too; team-key is outside the group.
    expect(router.route({ model: 'claude-sonnet-5', inputTokens: 150_000 })).toEqual({
      providers: ['anthropic', 'long-context'],
      model: 'claude-sonnet-5-1m',
      rule: 'long',
      affinity: false,
    });
  });

  it('routes a model glob to its group', () => {
    const { router } = setup();
    expect(router.route({ model: 'glm-5' })).toEqual({ providers: ['cheap'], rule: 'glm', affinity: false });
    expect(router.route({ model: 'glm5' }).rule).toBeUndefined();
  });

  it('applies the first matching rule', () => {
    const { router } = setup();
    // Haiku with thinking and a long context matches three rules; the first listed wins.
    expect(router.route({ model: 'claude-haiku-5-5', thinking: true, inputTokens: 200_000 }).rule).toBe(
      'background',
    );
    expect(router.route({ model: 'claude-opus-5-5', thinking: true, inputTokens: 200_000 }).rule).toBe(
      'long',
    );
  });

  it('requires every given match field to hold', () => {
    const { router } = setup({
      rules: [
        {
          name: 'thinking-haiku',
          match: { family: 'haiku', thinking: true, minInputTokens: 10 },
          providers: ['cheap'],
        },
      ],
    });
    expect(router.route({ model: 'claude-haiku-5-5', thinking: true, inputTokens: 10 }).rule).toBe(
      'thinking-haiku',
    );
    expect(router.route({ model: 'claude-haiku-5-5', thinking: true }).rule).toBeUndefined();
    expect(router.route({ model: 'claude-haiku-5-5', inputTokens: 10 }).rule).toBeUndefined();
    expect(router.route({ model: 'claude-opus-5', thinking: true, inputTokens: 10 }).rule).toBeUndefined();
    expect(router.route({ thinking: true, inputTokens: 10 }).rule).toBeUndefined();
  });

  it('matches every request with an empty match and lets a rule only rewrite the model', () => {
    const { router } = setup({
      targets: [{ name: 'any' }],
      rules: [{ name: 'pin-model', match: {}, model: 'claude-sonnet-5' }],
    });
    expect(router.route({})).toEqual({
      providers: ['any'],
      model: 'claude-sonnet-5',
      rule: 'pin-model',
      affinity: false,
    });
  });

  it('falls back within the group, never outside it, when no group member is usable', () => {
    const { router } = setup({
      targets: [{ name: 'main' }, { name: 'cheap-1', priority: 2 }, { name: 'cheap-2', priority: 3 }],
      rules: [{ name: 'background', match: { family: 'haiku' }, providers: ['cheap-1', 'cheap-2'] }],
    });
    router.report('cheap-1', { result: 'failure', status: 429, headers: { 'retry-after': '30' } });
    router.report('cheap-2', { result: 'failure', status: 429, headers: { 'retry-after': '10' } });
    expect(router.plan({ model: 'claude-haiku-5-5' })).toEqual(['cheap-2']);
    expect(router.plan({ model: 'claude-opus-5-5' })).toEqual(['main']);
  });

  it('plans nothing when the group does not serve the model', () => {
    const { router } = setup({
      rules: [{ name: 'wrong-group', match: { family: 'opus' }, providers: ['long-context'] }],
    });
    expect(router.route({ model: 'claude-opus-5-5' })).toEqual({
      providers: [],
      rule: 'wrong-group',
      affinity: false,
    });
  });

  it('prices candidates by the rewritten model', () => {
    const priced: string[] = [];
    const { router } = setup({
      strategy: 'cost',
      targets: [{ name: 'x' }, { name: 'y' }],
      rules: [{ name: 'downgrade', match: { family: 'opus' }, model: 'claude-sonnet-5' }],
      priceOf: (provider, model) => {
        priced.push(`${provider}:${model}`);
        return provider === 'y' ? 1 : 2;
      },
    });
    expect(router.route({ model: 'claude-opus-5-5' }).providers).toEqual(['y', 'x']);
    expect(priced).toEqual(['x:claude-sonnet-5', 'y:claude-sonnet-5']);
  });

  it('binds sessions under the rewritten model', () => {
    const { router } = setup({ strategy: 'round-robin', random: () => 0 });
    const request = { model: 'claude-sonnet-5', inputTokens: 200_000, sessionKey: 's1' };
    router.route(request);
    router.report('long-context', { result: 'success' }, request);
    expect(router.route(request)).toEqual({
      providers: ['long-context', 'anthropic'],
      model: 'claude-sonnet-5-1m',
      rule: 'long',
      affinity: true,
    });
  });

  it.each<[string, Partial<RouterOptions>]>([
    ['a provider that is not configured', { rules: [{ name: 'r', match: {}, providers: ['antropic'] }] }],
    ['an empty provider group', { rules: [{ name: 'r', match: {}, providers: [] }] }],
    [
      'a duplicate name',
      {
        rules: [
          { name: 'r', match: {} },
          { name: 'r', match: {} },
        ],
      },
    ],
    ['an empty name', { rules: [{ name: '', match: {} }] }],
    ['a missing match', { rules: [{ name: 'r' } as never] }],
    ['an unknown family', { rules: [{ name: 'r', match: { family: 'sonet' as never } }] }],
    ['an unknown match field', { rules: [{ name: 'r', match: { familly: 'haiku' } as never }] }],
    ['an unknown rule field', { rules: [{ name: 'r', match: {}, provider: ['cheap'] } as never] }],
    ['a negative token threshold', { rules: [{ name: 'r', match: { minInputTokens: -1 } }] }],
    ['a non-boolean thinking', { rules: [{ name: 'r', match: { thinking: 'yes' as never } }] }],
    ['an empty model glob', { rules: [{ name: 'r', match: { model: '' } }] }],
    ['an empty rewrite model', { rules: [{ name: 'r', match: {}, model: '' }] }],
  ])('rejects %s with CCB_ROUTER_INVALID_RULE', (_, options) => {
    expect(ruleErrorCode(options)).toBe('CCB_ROUTER_INVALID_RULE');
  });

  it('names the rule and the unknown provider in the error message', () => {
    expect(() =>
      createRouter({
        targets,
        rules: [
          { name: 'ok', match: {} },
          { name: 'bad', match: {}, providers: ['nope'] },
        ],
      }),
    ).toThrow(/model rule #2 \("bad"\).*"nope".*Configured: anthropic, team-key/);
  });
});
