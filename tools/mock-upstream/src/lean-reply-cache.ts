import { renderMessageJson, renderStreamEvents } from './render-reply.js';
import { planTextReply } from './reply-plan.js';

// Lean mode renders each model's reply once, with placeholder slots for the only per-request values
// (message id and input tokens), and afterwards only splices strings: no JSON.stringify per request.
const messageIdSlot = 'msg_LEAN_MESSAGE_ID_SLOT';
const inputTokensSlot = 987654321012345;
const slotPattern = new RegExp(`(${messageIdSlot}|${inputTokensSlot})`);

/** Bytes that are either fixed, or spliced from literal pieces and the two per-request values. */
export interface ReplyTemplate {
  fill(messageId: string, inputTokens: number): Buffer;
}

/** A model's precomputed lean reply. */
export interface LeanReply {
  /** The non-streaming JSON body. */
  readonly json: ReplyTemplate;
  /** The whole SSE stream in one buffer: used when nothing needs per-event timing. */
  readonly stream: ReplyTemplate;
  /** The SSE stream one event per template: used with `streamIntervalInMs` or stream faults. */
  readonly streamEvents: readonly ReplyTemplate[];
}

/** Settings that shape every lean reply of one mock. */
export interface LeanReplySettings {
  readonly text: string;
  readonly streamEvents: number;
  /** Cap on cached models, so a client cycling model names cannot grow memory without bound (default 64). */
  readonly maxModels?: number;
}

function compileTemplate(text: string): ReplyTemplate {
  const pieces = text.split(slotPattern);
  if (pieces.length === 1) {
    const fixed = Buffer.from(text);
    return { fill: () => fixed };
  }
  return {
    fill(messageId, inputTokens) {
      let output = pieces[0] as string;
      for (let index = 1; index < pieces.length; index += 2) {
        output += pieces[index] === messageIdSlot ? messageId : String(inputTokens);
        output += pieces[index + 1] as string;
      }
      return Buffer.from(output);
    },
  };
}

function buildLeanReply(model: string, settings: LeanReplySettings): LeanReply {
  const plan = planTextReply(model, settings.text, inputTokensSlot, settings.streamEvents);
  const ids = { messageId: messageIdSlot, toolUseId: '' };
  const events = renderStreamEvents(plan, ids);
  return {
    json: compileTemplate(renderMessageJson(plan, ids)),
    stream: compileTemplate(events.join('')),
    streamEvents: events.map(compileTemplate),
  };
}

/** Per-model cache of {@link LeanReply}s. */
export interface LeanReplyCache {
  get(model: string): LeanReply;
}

/** Creates an empty {@link LeanReplyCache}; replies are built on first use of each model. */
export function createLeanReplyCache(settings: LeanReplySettings): LeanReplyCache {
  const maxModels = settings.maxModels ?? 64;
  const replies = new Map<string, LeanReply>();
  return {
    get(model) {
      let reply = replies.get(model);
      if (reply === undefined) {
        if (replies.size >= maxModels) replies.clear();
        reply = buildLeanReply(model, settings);
        replies.set(model, reply);
      }
      return reply;
    },
  };
}
