// The floor of a translating Node hop: the least a straightforward server does to answer a Responses
// request from a Chat Completions upstream, with none of the bridge's code. Non-streamed: read and
// `JSON.parse` the body, `JSON.stringify` a chat request, call the upstream with `nodeFetch()`, `JSON.parse`
// its reply and `JSON.stringify` a small Response. Streamed: the same call, then per upstream read one
// `JSON.parse` per SSE event and one `JSON.stringify` of a delta event per chunk (the per-chunk floor the
// translation micro-benchmark uses), written in one `write`. No validation, no ids, no item or closing
// events, no error mapping, no abort handling. The gap between `hop` and an adapter is what the bridge's
// full translation and its guarantees cost; a goal beyond what `hop` reaches is beyond any translating
// hop written this way on the machine.
import { createServer } from "node:http";
import { StringDecoder } from "node:string_decoder";
import { nodeFetch } from "@responses-bridge/node";
import { listenLoopback } from "./bridge.js";

interface ChatChunk {
  choices: Array<{ delta?: { content?: string | null } }>;
}

/** Starts the hop on 127.0.0.1 in front of `upstreamURL` (which includes `/v1`). */
export async function startHop(upstreamURL: string): Promise<{ url: string; close(): Promise<void> }> {
  const fetcher = nodeFetch();
  const endpoint = `${upstreamURL}/chat/completions`;
  const server = createServer(async (req, res) => {
    try {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as {
        model: string;
        input: string;
        instructions?: string;
        stream?: boolean;
      };
      const messages = [
        { role: "system", content: body.instructions ?? "" },
        { role: "user", content: body.input },
      ];
      const reply = await fetcher(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench-upstream-key" },
        body: JSON.stringify({ model: body.model, messages, stream: body.stream === true }),
        signal: new AbortController().signal,
        // As openAICompatibleUpstream sends it: without it nodeFetch() follows redirects through undici's fetch.
        redirect: "manual",
      });
      if (!body.stream) {
        const completion = JSON.parse(await reply.text()) as {
          id: string;
          choices: Array<{ message: { content: string } }>;
        };
        const payload = JSON.stringify({
          id: `resp_${completion.id}`,
          object: "response",
          status: "completed",
          output: [
            {
              type: "message",
              role: "assistant",
              content: [{ type: "output_text", text: completion.choices[0]?.message.content }],
            },
          ],
        });
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        });
        res.end(payload);
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const decoder = new StringDecoder("utf8");
      let buffered = "";
      let sequence = 0;
      for await (const piece of reply.body as AsyncIterable<Buffer>) {
        buffered += decoder.write(piece);
        let out = "";
        let start = 0;
        for (let end = buffered.indexOf("\n\n"); end !== -1; end = buffered.indexOf("\n\n", start)) {
          const data = buffered.slice(start + 6, end);
          start = end + 2;
          if (data === "[DONE]") continue;
          const chunk = JSON.parse(data) as ChatChunk;
          const delta = chunk.choices[0]?.delta?.content;
          if (delta) {
            out += `event: response.output_text.delta\ndata: ${JSON.stringify({ type: "response.output_text.delta", sequence_number: sequence++, delta })}\n\n`;
          }
        }
        buffered = buffered.slice(start);
        if (out) res.write(out);
      }
      res.end(
        `event: response.completed\ndata: {"type":"response.completed","sequence_number":${sequence}}\n\n`,
      );
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  return listenLoopback(server);
}
