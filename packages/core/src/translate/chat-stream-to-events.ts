import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseOutputItem, ResponseStreamEvent } from "openai/resources/responses/responses";
import { toBridgeError } from "../errors.js";
import type { ResponseObject, ResponseUsage, TranslationEnvironment } from "../types.js";
import { mapFinishReason, mapUsage } from "./map-chat-outcome.js";
import { functionCallItem, type ItemStatus, messageItem, outputTextPart } from "./output-items.js";
import { finishResponseObject } from "./response-object.js";

interface MessageState {
  id: string;
  outputIndex: number;
  text: string;
}

interface CallState {
  id: string;
  callId: string | undefined;
  name: string | undefined;
  args: string;
  /** Assigned when `response.output_item.added` is emitted (once the name is known). */
  outputIndex: number;
}

/**
 * Options for {@link createChatStreamTranslator} and {@link convertChatStreamToEvents}.
 */
export interface ChatStreamTranslatorOptions {
  /** The in-progress Response object from `createResponseObject` (id, echoed settings). */
  response: ResponseObject;
  /** Id and clock source. */
  environment: TranslationEnvironment;
}

/**
 * A synchronous state machine that turns Chat Completions chunks into Responses stream events.
 * Each method appends the events it produces to `out`; `sequence_number` is assigned in exactly one
 * place. Use {@link convertChatStreamToEvents} unless you need per-chunk batching.
 *
 * Order of use: `start`, then `push` per chunk, then either `finish` followed by `end`, or `fail`.
 */
export class ChatStreamTranslator {
  private sequence = 0;
  private nextOutputIndex = 0;
  private message: MessageState | undefined;
  private readonly calls = new Map<number, CallState>();
  private readonly items: ResponseOutputItem[] = [];
  private finishReason: string | null = null;
  private usage: ResponseUsage | null = null;
  private readonly response: ResponseObject;
  private readonly environment: TranslationEnvironment;

  constructor(options: ChatStreamTranslatorOptions) {
    this.response = options.response;
    this.environment = options.environment;
  }

  /** True once a chunk carried a `finish_reason`. */
  get finished(): boolean {
    return this.finishReason !== null;
  }

  private emit(out: ResponseStreamEvent[], event: Record<string, unknown>): void {
    (event as { sequence_number: number }).sequence_number = this.sequence++;
    out.push(event as unknown as ResponseStreamEvent);
  }

  /** Appends `response.created` and `response.in_progress`. */
  start(out: ResponseStreamEvent[]): void {
    this.emit(out, { type: "response.created", sequence_number: 0, response: this.response });
    this.emit(out, { type: "response.in_progress", sequence_number: 0, response: this.response });
  }

  /** Translates one upstream chunk. */
  push(chunk: ChatCompletionChunk, out: ResponseStreamEvent[]): void {
    if (chunk.usage) this.usage = mapUsage(chunk.usage);
    const choices = chunk.choices;
    if (!choices || choices.length === 0) return;
    let choice = choices[0]!;
    if (choice.index !== 0 && choices.length > 1) choice = choices.find((c) => c.index === 0) ?? choice;
    const delta = choice.delta;
    if (delta) {
      const content = delta.content;
      if (typeof content === "string" && content.length > 0) this.pushText(content, out);
      const toolCalls = delta.tool_calls;
      if (toolCalls) {
        for (const toolCall of toolCalls) this.pushToolCall(toolCall, out);
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private pushText(text: string, out: ResponseStreamEvent[]): void {
    let message = this.message;
    if (!message) {
      message = { id: this.environment.generateId("msg"), outputIndex: this.nextOutputIndex++, text: "" };
      this.message = message;
      this.emit(out, {
        type: "response.output_item.added",
        sequence_number: 0,
        output_index: message.outputIndex,
        item: messageItem(message.id, "in_progress", []),
      });
      this.emit(out, {
        type: "response.content_part.added",
        sequence_number: 0,
        item_id: message.id,
        output_index: message.outputIndex,
        content_index: 0,
        part: outputTextPart(""),
      });
    }
    message.text += text;
    this.emit(out, {
      type: "response.output_text.delta",
      sequence_number: 0,
      item_id: message.id,
      output_index: message.outputIndex,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  private pushToolCall(
    toolCall: NonNullable<ChatCompletionChunk.Choice.Delta["tool_calls"]>[number],
    out: ResponseStreamEvent[],
  ): void {
    const index = toolCall.index ?? this.calls.size;
    let call = this.calls.get(index);
    if (!call) {
      call = {
        id: this.environment.generateId("fc"),
        callId: undefined,
        name: undefined,
        args: "",
        outputIndex: -1,
      };
      this.calls.set(index, call);
    }
    if (toolCall.id && !call.callId) call.callId = toolCall.id;
    const fn = toolCall.function;
    if (fn?.name && !call.name) call.name = fn.name;
    const argsDelta = fn?.arguments ?? "";
    if (call.outputIndex < 0) {
      call.args += argsDelta;
      if (call.name) this.addCall(call, out);
      return;
    }
    if (argsDelta.length === 0) return;
    call.args += argsDelta;
    this.emit(out, {
      type: "response.function_call_arguments.delta",
      sequence_number: 0,
      item_id: call.id,
      output_index: call.outputIndex,
      delta: argsDelta,
    });
  }

  private addCall(call: CallState, out: ResponseStreamEvent[]): void {
    // A message that precedes tool calls is complete once the first call starts.
    if (this.message) this.closeMessage("completed", out);
    call.callId ??= this.environment.generateId("call");
    call.outputIndex = this.nextOutputIndex++;
    this.emit(out, {
      type: "response.output_item.added",
      sequence_number: 0,
      output_index: call.outputIndex,
      item: functionCallItem(call.id, call.callId, call.name ?? "", "", "in_progress"),
    });
    if (call.args.length > 0) {
      this.emit(out, {
        type: "response.function_call_arguments.delta",
        sequence_number: 0,
        item_id: call.id,
        output_index: call.outputIndex,
        delta: call.args,
      });
    }
  }

  private closeMessage(status: ItemStatus, out: ResponseStreamEvent[]): void {
    const message = this.message!;
    this.message = undefined;
    const part = outputTextPart(message.text);
    this.emit(out, {
      type: "response.output_text.done",
      sequence_number: 0,
      item_id: message.id,
      output_index: message.outputIndex,
      content_index: 0,
      text: message.text,
      logprobs: [],
    });
    this.emit(out, {
      type: "response.content_part.done",
      sequence_number: 0,
      item_id: message.id,
      output_index: message.outputIndex,
      content_index: 0,
      part,
    });
    const item = messageItem(message.id, status, [part]);
    this.items[message.outputIndex] = item;
    this.emit(out, {
      type: "response.output_item.done",
      sequence_number: 0,
      output_index: message.outputIndex,
      item,
    });
  }

  private closeCall(call: CallState, status: ItemStatus, out: ResponseStreamEvent[]): void {
    this.emit(out, {
      type: "response.function_call_arguments.done",
      sequence_number: 0,
      item_id: call.id,
      output_index: call.outputIndex,
      arguments: call.args,
    });
    const item = functionCallItem(call.id, call.callId!, call.name ?? "", call.args, status);
    this.items[call.outputIndex] = item;
    this.emit(out, {
      type: "response.output_item.done",
      sequence_number: 0,
      output_index: call.outputIndex,
      item,
    });
  }

  /**
   * Closes every open item (in output order) and returns the final Response object. Append the
   * terminal event with {@link ChatStreamTranslator.end} once the response is stored.
   */
  finish(out: ResponseStreamEvent[]): ResponseObject {
    const { status, incompleteReason } = mapFinishReason(this.finishReason);
    const itemStatus: ItemStatus = status === "incomplete" ? "incomplete" : "completed";
    // Calls whose name never arrived are still reported, so no output is lost.
    for (const call of this.calls.values()) if (call.outputIndex < 0) this.addCall(call, out);
    const open: Array<{ outputIndex: number; close: () => void }> = [];
    const message = this.message;
    if (message)
      open.push({ outputIndex: message.outputIndex, close: () => this.closeMessage(itemStatus, out) });
    for (const call of this.calls.values()) {
      if (this.items[call.outputIndex] === undefined) {
        open.push({ outputIndex: call.outputIndex, close: () => this.closeCall(call, itemStatus, out) });
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
    const type = final.status === "incomplete" ? "response.incomplete" : "response.completed";
    this.emit(out, { type, sequence_number: 0, response: final });
  }

  /**
   * Appends `response.failed` for an error after streaming began. Items already finished stay in
   * the output; partial ones are dropped (a half-received tool call must never run).
   */
  fail(error: unknown, out: ResponseStreamEvent[]): ResponseObject {
    const bridgeError = toBridgeError(error);
    const final = finishResponseObject(this.response, {
      status: "failed",
      output: this.items.filter((item) => item !== undefined),
      usage: this.usage,
      error: { code: bridgeError.code ?? "server_error", message: bridgeError.message },
    });
    this.emit(out, { type: "response.failed", sequence_number: 0, response: final });
    return final;
  }
}

/** Options for {@link translateChatStream} and {@link convertChatStreamToEvents}. */
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
 * Like {@link convertChatStreamToEvents}, but yields the events of each upstream chunk as one
 * array (chunks that produce no event yield nothing), so a writer can send them in one write.
 */
export async function* translateChatStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertChatStreamOptions,
): AsyncGenerator<ResponseStreamEvent[], void, undefined> {
  const translator = new ChatStreamTranslator(options);
  let out: ResponseStreamEvent[] = [];
  translator.start(out);
  yield out;
  try {
    for await (const chunk of chunks) {
      out = [];
      translator.push(chunk, out);
      if (out.length > 0) yield out;
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    out = [];
    const failed = translator.fail(error, out);
    options.onFail?.(failed, error);
    yield out;
    return;
  }
  out = [];
  const final = translator.finish(out);
  await options.onFinish?.(final);
  translator.end(final, out);
  yield out;
}

/**
 * Translates a Chat Completions chunk stream into the Responses event stream: `response.created`,
 * `response.in_progress`, item and delta events, then exactly one of `response.completed`,
 * `response.incomplete` or `response.failed`.
 *
 * The result is a single-consumer async iterable. Breaking out of the loop (or calling `return()`)
 * finishes the upstream iterator, which lets the upstream abort its request.
 */
export async function* convertChatStreamToEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertChatStreamOptions,
): AsyncGenerator<ResponseStreamEvent, void, undefined> {
  for await (const batch of translateChatStream(chunks, options)) yield* batch;
}
