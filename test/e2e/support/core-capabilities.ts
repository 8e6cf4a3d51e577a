/**
 * Whether the core already does what a Codex scenario depends on, asked of the core itself (in-process),
 * so a scenario waiting for core work is skipped with a clear message and starts running by itself once
 * the work lands.
 */
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { createScriptedBackend } from "@responses-bridge/testkit";

/**
 * True when a chat tool call for a declared `custom` tool (Codex's freeform `apply_patch`) comes back as a
 * `custom_tool_call` with the raw `input`, the only form Codex accepts for apply_patch.
 */
export async function coreEmitsCustomToolCalls(): Promise<boolean> {
  const input = "*** Begin Patch\n*** Add File: probe.txt\n+probe\n*** End Patch\n";
  const backend = createScriptedBackend({
    script: () => ({ toolCalls: [{ name: "apply_patch", arguments: JSON.stringify({ input }) }] }),
  });
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: "http://scripted.test/v1", fetch: backend.fetch }),
  });
  const response = await handler.fetch(
    new Request("http://bridge.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "probe",
        input: "patch",
        tools: [{ type: "custom", name: "apply_patch", description: "Edit files." }],
      }),
    }),
  );
  if (response.status !== 200) return false;
  const body = (await response.json()) as { output?: { type: string; input?: string }[] };
  return body.output?.some((item) => item.type === "custom_tool_call" && item.input === input) === true;
}
