/**
 * `function_call` items (and their `function_call_output`s).
 * - Input: `{call_id, name, namespace?, arguments}` -> a chat tool call `{id: call_id, type: "function",
 *   function: {name: <chat name>, arguments}}` (empty arguments sent as `"{}"`); the output -> a `tool` message.
 * - Output (`fc_…`): arguments streamed with `response.function_call_arguments.delta/.done`; a binding with
 *   a `namespace` restores the original `name` and sets `namespace`.
 */
import type { ResponseFunctionToolCall, ResponseInputItem } from "openai/resources/responses/responses";
import { functionCallItem } from "../output-items.js";
import { addToolCall, type InputConversion } from "../request/input-conversion.js";
import { appendToolOutput, namedToolOutput } from "../request/tool-outputs.js";
import type { InputItemConverter, ToolCallKind } from "./item-kind.js";

/** Appends a `function_call` item. */
export function convertFunctionCall(item: ResponseFunctionToolCall, conversion: InputConversion): void {
  addToolCall(conversion, {
    id: item.call_id,
    type: "function",
    function: {
      name: conversion.tools.chatName(item.name, item.namespace),
      // Some backends (Ollama) parse the arguments and reject an empty string.
      arguments: item.arguments === "" ? "{}" : item.arguments,
    },
  });
}

export const convertFunctionCallItem: InputItemConverter = (item, conversion) =>
  convertFunctionCall(item as ResponseFunctionToolCall, conversion);

const functionCallOutput = namedToolOutput("function", "function call");

export const convertFunctionCallOutput: InputItemConverter = (item, conversion, param) => {
  const output = item as ResponseInputItem.FunctionCallOutput;
  appendToolOutput(conversion, functionCallOutput, output.call_id, output.output, param, "call_id");
};

export const functionCallKind: ToolCallKind = {
  prefix: "fc",
  start: (info) => ({
    delta(piece, emit) {
      emit({
        type: "response.function_call_arguments.delta",
        sequence_number: 0,
        item_id: info.id,
        output_index: info.outputIndex,
        delta: piece,
      });
    },
    done(args, emit) {
      emit({
        type: "response.function_call_arguments.done",
        sequence_number: 0,
        item_id: info.id,
        output_index: info.outputIndex,
        arguments: args,
      });
      return args;
    },
    build: (payload, status) =>
      functionCallItem(info.id, info.callId, info.name, payload, status, info.namespace),
  }),
};
