/**
 * `custom_tool_call` items (and their `custom_tool_call_output`s): calls of a `custom` tool (e.g. Codex's
 * `apply_patch`), offered to the backend as a function with one string parameter (or natively, `type: "custom"`).
 * - Input: `{call_id, name, input}` -> a function call with arguments `JSON.stringify({input})`, or natively
 *   `{type: "custom", custom: {name, input}}`; the output -> a `tool` message.
 * - Output (`ctc_…`): the raw input is decoded from the JSON arguments as they arrive and streamed with
 *   `response.custom_tool_call_input.delta/.done`.
 */
import type {
  ResponseCustomToolCall,
  ResponseCustomToolCallOutput,
} from "openai/resources/responses/responses";
import { customToolCallItem } from "../output-items.js";
import { CustomToolInputExtractor } from "../reply/custom-tool-input.js";
import type { Emit } from "../reply/reply-options.js";
import { addToolCall, type InputConversion } from "../request/input-conversion.js";
import { appendToolOutput, namedToolOutput } from "../request/tool-outputs.js";
import type { InputItemConverter, ToolCallKind } from "./item-kind.js";

/** Appends a `custom_tool_call` item. */
export function convertCustomToolCall(item: ResponseCustomToolCall, conversion: InputConversion): void {
  const name = conversion.tools.chatName(item.name, item.namespace);
  addToolCall(
    conversion,
    conversion.customTools
      ? { id: item.call_id, type: "custom", custom: { name, input: item.input } }
      : {
          id: item.call_id,
          type: "function",
          function: { name, arguments: JSON.stringify({ input: item.input }) },
        },
  );
}

export const convertCustomToolCallItem: InputItemConverter = (item, conversion) =>
  convertCustomToolCall(item as ResponseCustomToolCall, conversion);

const customToolCallOutput = namedToolOutput("custom", "custom tool call");

export const convertCustomToolCallOutput: InputItemConverter = (item, conversion, param) => {
  const output = item as ResponseCustomToolCallOutput;
  appendToolOutput(conversion, customToolCallOutput, output.call_id, output.output, param, "call_id");
};

export const customToolCallKind: ToolCallKind = {
  prefix: "ctc",
  start(info) {
    const extractor = info.nativeCustom ? undefined : new CustomToolInputExtractor();
    const inputDelta = (delta: string, emit: Emit) =>
      emit({
        type: "response.custom_tool_call_input.delta",
        sequence_number: 0,
        item_id: info.id,
        output_index: info.outputIndex,
        delta,
      });
    return {
      delta(piece, emit) {
        const text = extractor ? extractor.push(piece) : piece;
        if (text.length > 0) inputDelta(text, emit);
      },
      done(args, emit) {
        let input = args;
        if (extractor) {
          const finished = extractor.finish(args);
          if (finished.remainder.length > 0) inputDelta(finished.remainder, emit);
          input = finished.input;
        }
        emit({
          type: "response.custom_tool_call_input.done",
          sequence_number: 0,
          item_id: info.id,
          output_index: info.outputIndex,
          input,
        });
        return input;
      },
      build: (payload, status) =>
        customToolCallItem(info.id, info.callId, info.name, payload, status, info.namespace),
    };
  },
};
