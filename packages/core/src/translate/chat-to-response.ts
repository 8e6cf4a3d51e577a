import type { ChatCompletion } from "openai/resources/chat/completions";
import type { ResponseOutputItem } from "openai/resources/responses/responses";
import type { ResponseObject, TranslationEnvironment } from "../types.js";
import { mapFinishReason, mapUsage } from "./map-chat-outcome.js";
import { functionCallItem, type ItemStatus, messageItem, outputTextPart } from "./output-items.js";
import { finishResponseObject } from "./response-object.js";

/** Options for {@link convertChatToResponse}. */
export interface ConvertChatToResponseOptions {
  /** The in-progress Response object from `createResponseObject`. */
  response: ResponseObject;
  /** Id and clock source. */
  environment: TranslationEnvironment;
}

/**
 * Turns a non-streaming chat completion into the final Response object: the assistant text as a
 * `message` item, then one `function_call` item per tool call, usage and status mapped. The result
 * equals the `response` of the terminal event that the same completion produces when streamed.
 */
export function convertChatToResponse(
  completion: ChatCompletion,
  options: ConvertChatToResponseOptions,
): ResponseObject {
  const { environment } = options;
  const choice = completion.choices?.find((c) => c.index === 0) ?? completion.choices?.[0];
  const { status, incompleteReason } = mapFinishReason(choice?.finish_reason);
  const finalStatus: ItemStatus = status === "incomplete" ? "incomplete" : "completed";
  const message = choice?.message;
  const toolCalls = message?.tool_calls ?? [];
  const output: ResponseOutputItem[] = [];
  const text = typeof message?.content === "string" ? message.content : "";
  if (text.length > 0) {
    const messageStatus = toolCalls.length > 0 ? "completed" : finalStatus;
    output.push(messageItem(environment.generateId("msg"), messageStatus, [outputTextPart(text)]));
  }
  for (const toolCall of toolCalls) {
    if (toolCall.type !== "function") continue;
    output.push(
      functionCallItem(
        environment.generateId("fc"),
        toolCall.id || environment.generateId("call"),
        toolCall.function.name,
        toolCall.function.arguments ?? "",
        finalStatus,
      ),
    );
  }
  return finishResponseObject(options.response, {
    status,
    output,
    usage: mapUsage(completion.usage),
    incompleteReason,
    completedAt: Math.floor(environment.now() / 1000),
  });
}
