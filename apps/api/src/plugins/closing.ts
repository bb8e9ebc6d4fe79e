import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Aborted when the app starts closing. Long-lived answers (event streams)
     * listen to it: they would otherwise hold `close()` until its force timeout.
     */
    closing: AbortSignal;
  }
}

export const closingPlugin = fp(
  async (app: FastifyInstance) => {
    const controller = new AbortController();
    app.decorate("closing", controller.signal);
    // preClose runs before the server waits for open connections to finish.
    app.addHook("preClose", async () => controller.abort());
  },
  { name: "closing" },
);
