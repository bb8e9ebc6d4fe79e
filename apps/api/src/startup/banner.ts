export interface BannerFacts {
  url: string;
  database: string;
  seeded: string | null;
  firstAdminKey: string | null;
}

/** What a person starting the API needs to know, in plain text. */
export function startupBanner(facts: BannerFacts): string {
  const lines = [
    "",
    "Fastier Control Plane is running",
    `  API        ${facts.url}`,
    `  API docs   ${facts.url}/docs   (OpenAPI: ${facts.url}/openapi.json)`,
    `  Database   ${facts.database}`,
  ];
  if (facts.seeded) lines.push(`  Inventory  ${facts.seeded}`);
  if (facts.firstAdminKey) {
    lines.push(
      "",
      "  An admin API key was created for this new installation. It is shown only now; keep it safe:",
      "",
      `    ${facts.firstAdminKey}`,
      "",
      "  Try it:",
      `    export FASTIER_KEY=${facts.firstAdminKey}`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" ${facts.url}/v1/environments`,
      `    curl -H "Authorization: Bearer $FASTIER_KEY" "${facts.url}/v1/resources?kind=auto_scaling_group"`,
      "  More keys: npm run apikey -- create --name alice --role operator",
    );
  } else {
    lines.push("", "  Use an existing API key, or create one: npm run apikey -- create --name alice --role operator");
  }
  lines.push("", "  Stop with Ctrl+C.", "");
  return lines.join("\n");
}
