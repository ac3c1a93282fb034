// A bare Deno SSE server, the floor the functions' memory per stream is compared with:
// every GET holds a text/event-stream open, with one shared heartbeat timer for all streams.
// deno run --allow-net scripts/bench/bare-sse.ts <port>
const port = Number(Deno.args[0] ?? 54343);
const encoder = new TextEncoder();
const heartbeat = encoder.encode(": keep-alive\n\n");
const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
setInterval(() => {
  for (const controller of streams) controller.enqueue(heartbeat);
}, 15_000);
Deno.serve({ port, hostname: "127.0.0.1", onListen: () => console.log("listening") }, () => {
  let mine: ReadableStreamDefaultController<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      mine = controller;
      streams.add(controller);
      controller.enqueue(encoder.encode("retry: 3000\n\n"));
    },
    cancel() {
      if (mine !== undefined) streams.delete(mine);
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
});
