/**
 * Every captured Codex CLI 0.169.0 request, for tests that run over all of them. The captures are
 * stored once, in test/fixtures/codex/ (see README.md here), next to the responses of the same sessions.
 * Test-only: nothing in the package imports this file.
 */
import noCatalogGpt55Turn1 from "../../../../../test/fixtures/codex/no-catalog-gpt-5.5-turn1-request.json" with { type: "json" };
import noCatalogUnknownSlugTurn1 from "../../../../../test/fixtures/codex/no-catalog-unknown-slug-turn1-request.json" with { type: "json" };
import patchTurn1 from "../../../../../test/fixtures/codex/patch-turn1-request.json" with { type: "json" };
import patchTurn2 from "../../../../../test/fixtures/codex/patch-turn2-request.json" with { type: "json" };
import patchViaExecTurn2 from "../../../../../test/fixtures/codex/patch-via-exec-turn2-request.json" with { type: "json" };
import reasoningTurn2 from "../../../../../test/fixtures/codex/reasoning-turn2-request.json" with { type: "json" };
import responsesLiteTurn1 from "../../../../../test/fixtures/codex/responses-lite-gpt-5.6-sol-turn1-request.json" with { type: "json" };
import turn1 from "../../../../../test/fixtures/codex/turn1-request.json" with { type: "json" };
import turn2 from "../../../../../test/fixtures/codex/turn2-request.json" with { type: "json" };

/** One captured request: its fixture name (file name without `-request.json`) and body. */
export interface CodexRequest {
  name: string;
  body: Record<string, unknown>;
}

/** All captured requests, in a stable order. */
export const codexRequests: readonly CodexRequest[] = [
  { name: "turn1", body: turn1.body },
  { name: "turn2", body: turn2.body },
  { name: "reasoning-turn2", body: reasoningTurn2.body },
  { name: "patch-turn1", body: patchTurn1.body },
  { name: "patch-turn2", body: patchTurn2.body },
  { name: "patch-via-exec-turn2", body: patchViaExecTurn2.body },
  { name: "no-catalog-gpt-5.5-turn1", body: noCatalogGpt55Turn1.body },
  { name: "no-catalog-unknown-slug-turn1", body: noCatalogUnknownSlugTurn1.body },
  { name: "responses-lite-gpt-5.6-sol-turn1", body: responsesLiteTurn1.body },
];

/** The body of one captured request. */
export function codexRequest(name: string): Record<string, unknown> {
  const found = codexRequests.find((request) => request.name === name);
  if (found === undefined) throw new Error(`no Codex fixture named ${name}`);
  return found.body;
}
