import { describe, expect, it } from 'vitest';
import {
  type ApiRoutePattern,
  anthropicApiRoutes,
  matchesApiRoutePath,
  parseApiRoutePattern,
} from './api-routes.js';

function pattern(text: string): ApiRoutePattern {
  const parsed = parseApiRoutePattern(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

function problemOf(text: string): string {
  const parsed = parseApiRoutePattern(text);
  return 'problem' in parsed ? parsed.problem : '(accepted)';
}

describe('anthropicApiRoutes', () => {
  it('lists each method and path of the Messages, Models, Message Batches and Files APIs once', () => {
    const texts = anthropicApiRoutes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).toEqual([
      'POST /v1/messages',
      'POST /v1/messages/count_tokens',
      'GET /v1/models',
      'GET /v1/models/*',
      'POST /v1/messages/batches',
      'GET /v1/messages/batches',
      'GET /v1/messages/batches/*',
      'DELETE /v1/messages/batches/*',
      'POST /v1/messages/batches/*/cancel',
      'GET /v1/messages/batches/*/results',
      'POST /v1/files',
      'GET /v1/files',
      'GET /v1/files/*',
      'DELETE /v1/files/*',
      'GET /v1/files/*/content',
    ]);
  });

  it('requires JSON on the bodies of Messages, count_tokens and batch creation, multipart on uploads', () => {
    const typed = anthropicApiRoutes
      .filter((route) => route.contentType !== undefined)
      .map((route) => `${route.method} ${route.path} ${route.contentType}`);
    expect(typed).toEqual([
      'POST /v1/messages application/json',
      'POST /v1/messages/count_tokens application/json',
      'POST /v1/messages/batches application/json',
      'POST /v1/files multipart/form-data',
    ]);
  });
});

describe('parseApiRoutePattern', () => {
  it('reads a method and a path of segments', () => {
    expect(pattern('GET /v1/organizations/*')).toEqual({
      method: 'GET',
      path: '/v1/organizations/*',
      segments: ['v1', 'organizations', '*'],
    });
  });

  it('refuses what it cannot read, saying what is wrong', () => {
    expect(problemOf('/v1/x')).toMatch(/expected "METHOD \/v1\/path"/);
    expect(problemOf('get /v1/x')).toMatch(/method must be one of GET, HEAD, POST, PUT, PATCH, DELETE/);
    expect(problemOf('OPTIONS /v1/x')).toMatch(/got "OPTIONS"/);
    expect(problemOf('TRACE /v1/x')).toMatch(/got "TRACE"/);
    expect(problemOf('GET  /v1/x')).toMatch(/must start with \/v1\//);
    expect(problemOf('GET /v2/x')).toMatch(/must start with \/v1\//);
    expect(problemOf('GET /v1//x')).toMatch(/empty segment/);
    expect(problemOf('GET /v1/x/')).toMatch(/empty segment/);
    expect(problemOf('GET /v1/../x')).toMatch(/"\." or "\.\." segment/);
    expect(problemOf('GET /v1/x/.')).toMatch(/"\." or "\.\." segment/);
    expect(problemOf('GET /v1/org*')).toMatch(/segment "org\*"/);
    expect(problemOf('GET /v1/**')).toMatch(/segment "\*\*"/);
    expect(problemOf('GET /v1/a%2Fb')).toMatch(/segment "a%2Fb"/);
    expect(problemOf('GET /v1/x?y=1')).toMatch(/segment "x\?y=1"/);
  });
});

describe('matchesApiRoutePath', () => {
  it('matches literal segments exactly and * against exactly one non-empty segment', () => {
    const batch = pattern('POST /v1/messages/batches/*/cancel');
    expect(matchesApiRoutePath(batch, '/v1/messages/batches/msgbatch_01/cancel')).toBe(true);
    expect(matchesApiRoutePath(batch, '/v1/messages/batches/msgbatch_01/Cancel')).toBe(false);
    expect(matchesApiRoutePath(batch, '/v1/messages/batches/cancel')).toBe(false);
    expect(matchesApiRoutePath(batch, '/v1/messages/batches/a/b/cancel')).toBe(false);
    expect(matchesApiRoutePath(batch, '/v1/messages/batches//cancel')).toBe(false);
    const model = pattern('GET /v1/models/*');
    expect(matchesApiRoutePath(model, '/v1/models/claude-sonnet-4-6')).toBe(true);
    expect(matchesApiRoutePath(model, '/v1/models')).toBe(false);
    expect(matchesApiRoutePath(model, '/v1/models/')).toBe(false);
    expect(matchesApiRoutePath(model, '/v1/models/a/b')).toBe(false);
    expect(matchesApiRoutePath(pattern('GET /v1/models'), '/v1/models')).toBe(true);
    expect(matchesApiRoutePath(pattern('GET /v1/models'), '/v1/model')).toBe(false);
    expect(matchesApiRoutePath(pattern('GET /v1/models'), '/v1/modelsx')).toBe(false);
  });
});
