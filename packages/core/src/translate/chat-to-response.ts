import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import type { ChatCompletion, ResponseObject, TranslationEnvironment } from "../types.js";
import { ChatStreamTranslator } from "./chat-stream-to-events.js";
import { completionToChunk } from "./reply/chunk-fields.js";
import type { ReplyOptions } from "./reply/reply-options.js";

/** Options for {@link convertChatToResponse}: the same {@link ReplyOptions} as the streaming translator. */
export interface ConvertChatToResponseOptions extends ReplyOptions {
  /** The in-progress Response object from `createResponseObject`. */
  response: ResponseObject;
  /** Id and clock source. */
  environment: TranslationEnvironment;
}

/**
 * Turns a non-streaming chat completion into the final Response object: reasoning as a `reasoning`
 * item, the assistant text and refusal as a `message` item, then one item per tool call, usage and
 * status mapped. The completion is translated as one equivalent stream chunk by the same state machine
 * as streaming, so the result equals the `response` of the terminal event that the same reply produces
 * when streamed (same items, same ids for the same id generator).
 */
export function convertChatToResponse(
  completion: ChatCompletion,
  options: ConvertChatToResponseOptions,
): ResponseObject {
  const translator = new ChatStreamTranslator(options);
  // The events are not needed; one array is reused and dropped.
  const discard: ResponseStreamEvent[] = [];
  translator.push(completionToChunk(completion), discard);
  discard.length = 0;
  return translator.finish(discard);
}
