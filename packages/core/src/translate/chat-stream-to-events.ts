import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseOutputItem, ResponseStreamEvent } from "openai/resources/responses/responses";
import { toBridgeError } from "../errors.js";
import type { ResponseObject, ResponseUsage, TranslationEnvironment } from "../types.js";
import { MessageItemState } from "./items/message.js";
import { ReasoningItemState } from "./items/reasoning.js";
import { mapFinishReason, mapUsage } from "./map-chat-outcome.js";
import type { ItemStatus, OutputLogprob } from "./output-items.js";
import {
  contentOf,
  mapLogprobs,
  primaryChoice,
  type ReplyDelta,
  reasoningTextOf,
  type ToolCallDelta,
  usageOf,
} from "./reply/chunk-fields.js";
import type { Emit, ReplyOptions } from "./reply/reply-options.js";
import { ThinkTagParser, type ThinkTagSink } from "./reply/think-tag-parser.js";
import { type ToolCallContext, ToolCallState } from "./reply/tool-call-item.js";
import { finishResponseObject } from "./response-object.js";

/**
 * Options for {@link ChatStreamTranslator} and {@link convertChatStreamToEvents}: the response being
 * built, the environment, and the {@link ReplyOptions} that shape the output items.
 */
export interface ChatStreamTranslatorOptions extends ReplyOptions {
  /** The in-progress Response object from `createResponseObject` (id, echoed settings). */
  response: ResponseObject;
  /** Id and clock source. */
  environment: TranslationEnvironment;
}

function isBlank(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return false;
  }
  return true;
}

/**
 * A synchronous state machine that turns Chat Completions chunks into Responses stream events.
 * Each method appends the events it produces to `out`; `sequence_number` is assigned in exactly one
 * place. Use {@link convertChatStreamToEvents} unless you drive the chunks yourself.
 *
 * Output, in the order it happens: a `reasoning` item (from `reasoning_content`, `reasoning`,
 * `reasoning_details` or a leading `<think>` block), the assistant `message` (`output_text` and
 * `refusal` parts), and one item per tool call, of the kind its tool binding names (`function_call`,
 * `custom_tool_call`..., see {@link ReplyOptions.tools}). An item ends when the next kind starts; reasoning
 * that resumes after text starts a new reasoning item. Whitespace-only text before a message is held
 * back: it is dropped right after reasoning (the separator) and when the reply is only tool calls.
 *
 * Work per chunk is proportional to the chunk; nothing accumulated is rescanned or re-serialised.
 * Order of use: `start`, then `push` per chunk, then either `finish` followed by `end`, or `fail`.
 */
export class ChatStreamTranslator {
  private sequence = 0;
  private nextOutputIndex = 0;
  private out: ResponseStreamEvent[] = [];
  private readonly emit: Emit = (event) => {
    event.sequence_number = this.sequence++;
    this.out.push(event as unknown as ResponseStreamEvent);
  };
  private reasoning: ReasoningItemState | undefined;
  private message: MessageItemState | undefined;
  private last: "reasoning" | "message" | "call" | undefined;
  private readonly calls = new Map<number, ToolCallState>();
  private lastUnindexed: ToolCallState | undefined;
  private nextFreeIndex = 0;
  private readonly items: ResponseOutputItem[] = [];
  private pendingWhitespace = "";
  private pendingLogprobs: OutputLogprob[] = [];
  private readonly thinkParser: ThinkTagParser | undefined;
  private readonly thinkSink: ThinkTagSink = {
    reasoning: (text) => {
      this.pendingLogprobs = [];
      this.pushReasoning(text);
    },
    text: (text) => this.pushText(text),
  };
  private readonly callContext: ToolCallContext;
  private finishReason: string | null = null;
  private usage: ResponseUsage | null = null;
  private readonly response: ResponseObject;
  private readonly environment: TranslationEnvironment;
  private readonly options: ReplyOptions;

  constructor(options: ChatStreamTranslatorOptions) {
    this.response = options.response;
    this.environment = options.environment;
    this.options = options;
    this.thinkParser = options.thinkTags === false ? undefined : new ThinkTagParser();
    // Items made before the reply (a context_management compaction) come first.
    for (const item of options.leadingOutput ?? []) this.items[this.nextOutputIndex++] = item;
    this.callContext = {
      environment: options.environment,
      tools: options.tools,
      responseId: options.response.id,
      usedCallIds: new Set(options.reservedCallIds),
    };
  }

  /** True once a chunk carried a `finish_reason`. */
  get finished(): boolean {
    return this.finishReason !== null;
  }

  /** Appends `response.created` and `response.in_progress`. */
  start(out: ResponseStreamEvent[]): void {
    this.out = out;
    this.emit({ type: "response.created", sequence_number: 0, response: this.response });
    this.emit({ type: "response.in_progress", sequence_number: 0, response: this.response });
    for (const [index, item] of (this.options.leadingOutput ?? []).entries()) {
      this.emit({ type: "response.output_item.added", sequence_number: 0, output_index: index, item });
      this.emit({ type: "response.output_item.done", sequence_number: 0, output_index: index, item });
    }
  }

  /** Translates one upstream chunk (only choice 0 is used; usage is read from any chunk). */
  push(chunk: ChatCompletionChunk, out: ResponseStreamEvent[]): void {
    this.out = out;
    const usage = usageOf(chunk);
    if (usage) this.usage = mapUsage(usage);
    const choice = primaryChoice(chunk.choices);
    if (!choice) return;
    const delta = choice.delta as ReplyDelta | null | undefined;
    if (delta) {
      const reasoning = reasoningTextOf(delta);
      if (reasoning.length > 0) this.pushReasoning(reasoning);
      const content = contentOf(delta.content);
      if (content.reasoning.length > 0) this.pushReasoning(content.reasoning);
      if (content.text.length > 0) {
        if (this.options.logprobs) {
          for (const entry of mapLogprobs(choice.logprobs?.content)) this.pendingLogprobs.push(entry);
        }
        if (this.thinkParser) this.thinkParser.push(content.text, this.thinkSink);
        else this.pushText(content.text);
      }
      if (typeof delta.refusal === "string" && delta.refusal.length > 0) this.pushRefusal(delta.refusal);
      const toolCalls = delta.tool_calls;
      if (toolCalls) for (const toolCall of toolCalls) this.pushToolCall(toolCall);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private pushReasoning(text: string): void {
    let reasoning = this.reasoning;
    if (!reasoning) {
      // Leading whitespace of a reasoning item (vLLM's Qwen3 parser starts with "\n") is dropped.
      if (isBlank(text)) return;
      text = text.trimStart();
      if (this.message) this.closeMessage("completed");
      reasoning = new ReasoningItemState(
        this.environment.generateId("rs"),
        this.nextOutputIndex++,
        this.options.reasoningSummary === true,
        this.options.includeEncryptedReasoning === true,
      );
      this.reasoning = reasoning;
      this.last = "reasoning";
      reasoning.open(this.emit);
    }
    reasoning.delta(text, this.emit);
  }

  private openMessage(): MessageItemState {
    if (this.reasoning) this.closeReasoning();
    const message = new MessageItemState(this.environment.generateId("msg"), this.nextOutputIndex++);
    this.message = message;
    this.last = "message";
    message.open(this.emit);
    return message;
  }

  private pushText(text: string): void {
    let message = this.message;
    if (!message) {
      if (isBlank(text)) {
        this.pendingWhitespace += text;
        return;
      }
      let start = this.pendingWhitespace + text;
      this.pendingWhitespace = "";
      if (this.last === "reasoning") start = start.trimStart();
      message = this.openMessage();
      text = start;
    }
    const logprobs = this.pendingLogprobs;
    if (logprobs.length > 0) this.pendingLogprobs = [];
    message.text(text, logprobs.length > 0 ? logprobs : [], this.emit);
  }

  private pushRefusal(text: string): void {
    (this.message ?? this.openMessage()).refuse(text, this.emit);
  }

  private callFor(toolCall: ToolCallDelta, name: string | null | undefined): ToolCallState {
    if (typeof toolCall.index === "number") {
      let call = this.calls.get(toolCall.index);
      if (!call) {
        call = new ToolCallState(toolCall.index);
        this.calls.set(toolCall.index, call);
        if (toolCall.index >= this.nextFreeIndex) this.nextFreeIndex = toolCall.index + 1;
      }
      return call;
    }
    // No index (older llama.cpp and some proxies): a delta continues the last such call unless it
    // names another call id or another function.
    const last = this.lastUnindexed;
    if (
      last &&
      (!toolCall.id || !last.callId || toolCall.id === last.callId) &&
      (!name || !last.chatName || name === last.chatName)
    ) {
      return last;
    }
    const call = new ToolCallState(this.nextFreeIndex++);
    this.calls.set(call.index, call);
    this.lastUnindexed = call;
    return call;
  }

  private pushToolCall(toolCall: ToolCallDelta): void {
    const native = toolCall.type === "custom" || (toolCall.custom != null && toolCall.function == null);
    const name = native ? toolCall.custom?.name : toolCall.function?.name;
    const piece = (native ? toolCall.custom?.input : toolCall.function?.arguments) ?? "";
    const call = this.callFor(toolCall, name);
    if (native) call.nativeCustom = true;
    if (toolCall.id && !call.callId) call.callId = toolCall.id;
    if (name && !call.chatName) call.chatName = name;
    call.append(piece, this.emit);
    if (!call.opened && call.chatName) this.openCall(call);
  }

  private openCall(call: ToolCallState): void {
    // Reasoning and a message that precede tool calls are complete once the first call starts.
    if (this.message) this.closeMessage("completed");
    if (this.reasoning) this.closeReasoning();
    this.last = "call";
    call.open(this.callContext, this.nextOutputIndex++, this.emit);
  }

  private closeReasoning(): void {
    const reasoning = this.reasoning!;
    this.reasoning = undefined;
    this.items[reasoning.outputIndex] = reasoning.close(this.emit);
  }

  private closeMessage(status: ItemStatus): void {
    const message = this.message!;
    this.message = undefined;
    this.items[message.outputIndex] = message.close(status, this.emit);
  }

  /**
   * Closes every open item (in output order) and returns the final Response object. Append the
   * terminal event with {@link ChatStreamTranslator.end} once the response is stored.
   */
  finish(out: ResponseStreamEvent[]): ResponseObject {
    this.out = out;
    this.thinkParser?.end(this.thinkSink);
    const { status, incompleteReason } = mapFinishReason(this.finishReason, this.options.lengthFinish);
    const itemStatus: ItemStatus = status === "incomplete" ? "incomplete" : "completed";
    // Whitespace alone is the reply only when nothing else was produced.
    if (
      this.pendingWhitespace.length > 0 &&
      this.nextOutputIndex === (this.options.leadingOutput?.length ?? 0) &&
      this.calls.size === 0
    ) {
      const text = this.pendingWhitespace;
      this.pendingWhitespace = "";
      this.openMessage().text(text, this.pendingLogprobs, this.emit);
    }
    // Calls whose name never arrived are still reported, so no output is lost.
    for (const call of this.calls.values()) if (!call.opened) this.openCall(call);
    const open: Array<{ outputIndex: number; close: () => void }> = [];
    if (this.reasoning) {
      open.push({ outputIndex: this.reasoning.outputIndex, close: () => this.closeReasoning() });
    }
    if (this.message) {
      open.push({ outputIndex: this.message.outputIndex, close: () => this.closeMessage(itemStatus) });
    }
    for (const call of this.calls.values()) {
      if (!call.item) {
        open.push({
          outputIndex: call.outputIndex,
          close: () => {
            this.items[call.outputIndex] = call.close(itemStatus, this.emit);
          },
        });
      }
    }
    open.sort((a, b) => a.outputIndex - b.outputIndex);
    for (const entry of open) entry.close();
    return finishResponseObject(this.response, {
      status,
      output: this.items.filter((item) => item !== undefined),
      usage: this.usage,
      incompleteReason,
      completedAt: Math.floor(this.environment.now() / 1000),
    });
  }

  /** Appends the terminal event (`response.completed` or `response.incomplete`) for a finished response. */
  end(final: ResponseObject, out: ResponseStreamEvent[]): void {
    this.out = out;
    const type = final.status === "incomplete" ? "response.incomplete" : "response.completed";
    this.emit({ type, sequence_number: 0, response: final });
  }

  /**
   * Appends `response.failed` for an error after streaming began. Items already finished stay in
   * the output; partial ones are dropped (a half-received tool call must never run).
   */
  fail(error: unknown, out: ResponseStreamEvent[]): ResponseObject {
    this.out = out;
    const bridgeError = toBridgeError(error);
    const final = finishResponseObject(this.response, {
      status: "failed",
      output: this.items.filter((item) => item !== undefined),
      usage: this.usage,
      error: { code: bridgeError.code ?? "server_error", message: bridgeError.message },
    });
    this.emit({ type: "response.failed", sequence_number: 0, response: final });
    return final;
  }
}

/** Options for {@link convertChatStreamToEvents} (and the handler's batched stream driver). */
export interface ConvertChatStreamOptions extends ChatStreamTranslatorOptions {
  /**
   * Called with the final Response before the terminal event is emitted (for example to store it),
   * so a client that reacts to `response.completed` can already chain from it.
   */
  onFinish?: (response: ResponseObject) => void | Promise<void>;
  /** Called with the failed Response when the upstream stream errors after streaming began. */
  onFail?: (response: ResponseObject, error: unknown) => void;
  /** When this signal is aborted (the client went away), an upstream error ends the stream silently. */
  signal?: AbortSignal;
}

/**
 * Translates a Chat Completions chunk stream into the Responses event stream: `response.created`,
 * `response.in_progress`, item and delta events, then exactly one of `response.completed`,
 * `response.incomplete` or `response.failed`.
 *
 * The result is a single-consumer async iterable. Breaking out of the loop (or calling `return()`)
 * finishes the upstream iterator, which lets the upstream abort its request. This is the plain per-chunk
 * reference loop; the handler's byte pipeline (`stream/`) groups the same events per network read and must
 * emit exactly these events (a property test holds it to that).
 */
export async function* convertChatStreamToEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertChatStreamOptions,
): AsyncGenerator<ResponseStreamEvent, void, undefined> {
  const translator = new ChatStreamTranslator(options);
  let out: ResponseStreamEvent[] = [];
  translator.start(out);
  yield* out;
  try {
    for await (const chunk of chunks) {
      out = [];
      translator.push(chunk, out);
      yield* out;
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    out = [];
    const failed = translator.fail(error, out);
    options.onFail?.(failed, error);
    yield* out;
    return;
  }
  out = [];
  const final = translator.finish(out);
  yield* out;
  await options.onFinish?.(final);
  out = [];
  translator.end(final, out);
  yield* out;
}
