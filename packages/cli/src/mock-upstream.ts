import { type ChatUpstream, openAICompatibleUpstream } from "@responses-bridge/core";
import {
  type ChatRequestBody,
  createScriptedBackend,
  lastUserText,
  type Scenario,
} from "@responses-bridge/testkit";

import { MOCK_MODEL } from "./mock-cues.js";

const HELP_TEXT = [
  "Hello from the responses-bridge mock model (no network, no key). Try one of these prompts:",
  "- run: ls -la",
  "- create notes.txt: hello",
  "- patch notes.txt: hello => goodbye",
  "- fail 500 (or fail 429)",
  "- slow",
].join("\n");

type Message = ChatRequestBody["messages"][number];

function contentText(message: Message | undefined): string {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: string }) => (part.type === "text" ? part.text : ""))
      .join("");
  }
  return "";
}

function toolNames(body: ChatRequestBody): Set<string> {
  const names = new Set<string>();
  for (const tool of body.tools ?? []) {
    if (tool.type === "function") names.add(tool.function.name);
    else if (tool.type === "custom") names.add(tool.custom.name);
  }
  return names;
}

function callArguments(name: string, input: string, body: ChatRequestBody): string {
  // A custom tool offered natively takes the raw text; offered as a function it takes {"input": ...}.
  const native = (body.tools ?? []).some((tool) => tool.type === "custom" && tool.custom.name === name);
  return native ? input : JSON.stringify({ input });
}

/** What the command's output said, without Codex's "Chunk ID / Wall time" header. */
function toolOutput(text: string): string {
  const marker = text.indexOf("Output:\n");
  const body = marker < 0 ? text : text.slice(marker + "Output:\n".length);
  const trimmed = body.trim();
  return trimmed.length > 800 ? `${trimmed.slice(0, 800)}…` : trimmed;
}

function afterTool(body: ChatRequestBody, last: Message): Scenario {
  const callId = (last as { tool_call_id?: string }).tool_call_id;
  let name = "the tool";
  let detail = "";
  for (const message of body.messages) {
    if (message.role !== "assistant" || !message.tool_calls) continue;
    for (const call of message.tool_calls) {
      if (call.id !== callId || call.type !== "function") continue;
      name = call.function.name;
      try {
        const args = JSON.parse(call.function.arguments) as { cmd?: unknown };
        if (typeof args.cmd === "string") detail = ` \`${args.cmd}\``;
      } catch {
        // Not JSON: no detail.
      }
    }
  }
  const output = toolOutput(contentText(last));
  const lead = name === "apply_patch" ? "apply_patch finished" : `Done: I ran${detail || ` ${name}`}`;
  const text = `${lead}.${output ? ` Its output:\n\n${output}` : " It printed nothing."}`;
  return { reasoning: `The ${name} call finished; I will report what it printed.`, text, chunkSize: 12 };
}

/**
 * The mock model's script: reads the last chat message and picks a {@link Scenario} by the cues in
 * {@link MOCK_CUES}. Every answer streams a line of reasoning first.
 */
export function mockScenario(body: ChatRequestBody): Scenario {
  const messages = body.messages ?? [];
  const last = messages.at(-1);
  if (last?.role === "tool") return afterTool(body, last);
  const prompt = lastUserText(body);
  const tools = toolNames(body);
  const short = prompt.length > 60 ? `${prompt.slice(0, 60)}…` : prompt;
  const think = (plan: string) => `The user wrote "${short}". ${plan}`;
  const missing = (tool: string): Scenario => ({
    reasoning: think(`That needs the ${tool} tool, which this client did not declare.`),
    text: `I would call ${tool} for that, but this client did not offer that tool. Codex does.`,
  });

  const fail = /\bfail\s+(\d{3})\b/i.exec(prompt);
  if (fail) {
    const status = Number(fail[1]);
    return {
      error: {
        status,
        ...(status === 429 ? { headers: { "retry-after": "1" } } : {}),
      },
    };
  }
  const run = /(?:^|\s)run:\s*(.+)$/im.exec(prompt);
  if (run) {
    if (!tools.has("exec_command")) return missing("exec_command");
    const cmd = (run[1] ?? "").trim();
    return {
      reasoning: think(`I will run \`${cmd}\` with exec_command.`),
      toolCalls: [{ name: "exec_command", arguments: JSON.stringify({ cmd }) }],
    };
  }
  const patch = /(?:^|\s)patch\s+(\S+?)\s*:\s*(.*?)\s*=>\s*(.*)$/im.exec(prompt);
  if (patch) {
    if (!tools.has("apply_patch")) return missing("apply_patch");
    const [, file, before, after] = patch;
    const input = `*** Begin Patch\n*** Update File: ${file}\n@@\n-${before}\n+${after}\n*** End Patch\n`;
    return {
      reasoning: think(`I will edit ${file} with apply_patch.`),
      toolCalls: [{ name: "apply_patch", arguments: callArguments("apply_patch", input, body) }],
    };
  }
  const create = /(?:^|\s)create\s+(\S+?)\s*:\s*(.*)$/im.exec(prompt);
  if (create) {
    if (!tools.has("apply_patch")) return missing("apply_patch");
    const [, file, text] = create;
    const input = `*** Begin Patch\n*** Add File: ${file}\n+${text}\n*** End Patch\n`;
    return {
      reasoning: think(`I will create ${file} with apply_patch.`),
      toolCalls: [{ name: "apply_patch", arguments: callArguments("apply_patch", input, body) }],
    };
  }
  if (/\bslow\b/i.test(prompt)) {
    return {
      reasoning: think("I will answer slowly, a few characters at a time."),
      text: "This answer streams slowly, a few characters at a time, so you can watch the events arrive or press Ctrl-C and see the stream finish before the bridge exits.",
      chunkSize: 3,
      delayMs: 80,
    };
  }
  return { reasoning: think("No cue; I will list the cues I know."), text: HELP_TEXT, chunkSize: 16 };
}

/**
 * The `mock` upstream: the testkit's scripted backend running in-process behind
 * `openAICompatibleUpstream` (no socket, no key), scripted by {@link mockScenario}.
 */
export function createMockUpstream(): ChatUpstream {
  const backend = createScriptedBackend({ script: mockScenario, models: [MOCK_MODEL] });
  // Keep no request log: a long-running mock would otherwise grow without bound.
  const fetch: typeof backend.fetch = async (input, init) => {
    const response = await backend.fetch(input, init);
    backend.requests.length = 0;
    return response;
  };
  return openAICompatibleUpstream({ baseURL: "http://mock.responses-bridge.invalid/v1", fetch });
}
