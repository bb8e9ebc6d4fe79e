/**
 * Layering rules, checked in `npm test`:
 * core is the domain and depends on nothing outward; adapters and apps depend on it.
 */
module.exports = {
  forbidden: [
    {
      name: "core-stays-pure",
      comment:
        "packages/core must not import HTTP, database or cloud SDK code. TypeBox is allowed: an operation kind's " +
        "request and state schemas are domain data (plain JSON Schema values and a checker), with no I/O",
      severity: "error",
      from: { path: "^packages/core/src/" },
      to: { path: "(^|/)node_modules/(fastify|@fastify|prisma|@prisma|@aws-sdk|pg|pino)(/|$)" },
    },
    {
      name: "core-imports-no-other-package",
      severity: "error",
      from: { path: "^packages/core/src/" },
      to: { path: "^(apps|packages/(?!core/))" },
    },
    {
      name: "db-does-not-know-the-api",
      severity: "error",
      from: { path: "^packages/(db|config)/" },
      to: { path: "^apps/" },
    },
    {
      name: "web-speaks-only-through-the-client",
      comment:
        "The dashboard runs in a browser and knows the API only through the generated client (its types and its " +
        "fetch): no domain, database, cloud or server code, and no hand-copied shapes from them",
      severity: "error",
      from: { path: "^apps/web/src/" },
      to: { path: "^(apps/(?!web/)|packages/(?!client/))" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
