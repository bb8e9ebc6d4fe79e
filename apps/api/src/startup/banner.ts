import type { Config } from "@fastier/config";

export interface BannerFacts {
  url: string;
  /** Where the dashboard is served; null when it has not been built. */
  dashboardUrl: string | null;
  config: Config;
  database: { source: "DATABASE_URL" | "embedded"; clusterDir?: string };
  worker: boolean;
  inventory: string | null;
  firstAdminKey: string | null;
}

/** What a person starting the control plane needs to know, in plain text. */
export function startupBanner(facts: BannerFacts): string {
  const { url, config } = facts;
  const cloud =
    config.cloud.provider === "sim"
      ? `simulated Fastier account (${config.cloud.region}, time ×${config.cloud.simTimeScale})`
      : `AWS ${config.cloud.region}${config.cloud.endpoint ? ` at ${config.cloud.endpoint}` : ""}`;
  const lines = [
    "",
    "Fastier Control Plane is running",
    // First: the address a person opens; they sign in with an API key.
    facts.dashboardUrl
      ? `  Dashboard  ${facts.dashboardUrl}   (sign in with an API key)`
      : "  Dashboard  not built: run npm run web:build (npm ci does it), then start again",
    `  API        ${url}`,
    `  API docs   ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
    `  Database   ${facts.database.source === "embedded" ? `embedded PostgreSQL in ${facts.database.clusterDir ?? `${config.dataDir}/postgres`}` : "DATABASE_URL"}`,
    `  Cloud      ${cloud}`,
  ];
  if (facts.worker) {
    const simulated = config.cloud.provider === "sim" ? " simulated" : "";
    const sync =
      config.syncIntervalSeconds > 0
        ? `syncing every environment every ${config.syncIntervalSeconds}${simulated} s`
        : "scheduled sync off";
    const sweep =
      config.health.sweepIntervalSeconds > 0
        ? `health sweep every ${config.health.sweepIntervalSeconds}${simulated} s`
        : "scheduled health sweeps off";
    lines.push(`  Worker     ${sync}; ${sweep}`);
  }
  if (facts.inventory) lines.push(`  Inventory  ${facts.inventory}`);
  if (facts.firstAdminKey) {
    lines.push(
      "",
      "  An admin API key was created for this new installation. It is shown only now; keep it safe:",
      "",
      `    ${facts.firstAdminKey}`,
      "",
      "  Try it:",
      `    export FASTIER_KEY=${facts.firstAdminKey}`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" ${url}/v1/environments`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" "${url}/v1/resources?kind=auto_scaling_group"`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" ${url}/v1/dashboard`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" "${url}/v1/recommendations?status=open"`,
      "  More keys: npm run apikey -- create --name alice --role operator",
    );
  } else {
    lines.push("", "  Use an existing API key, or create one: npm run apikey -- create --name alice --role operator");
  }
  lines.push("", "  Stop with Ctrl+C.", "");
  return lines.join("\n");
}
