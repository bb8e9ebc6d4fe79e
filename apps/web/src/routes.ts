import type { FunctionComponent } from "preact";
import { Activity } from "./pages/Activity.tsx";
import { Audit } from "./pages/Audit.tsx";
import { DrReadiness } from "./pages/DrReadiness.tsx";
import { FindingDetail } from "./pages/FindingDetail.tsx";
import { Findings } from "./pages/Findings.tsx";
import { Inventory } from "./pages/Inventory.tsx";
import { OperationDetail } from "./pages/OperationDetail.tsx";
import { Operations } from "./pages/Operations.tsx";
import { Overview } from "./pages/Overview.tsx";
import { Recommendations } from "./pages/Recommendations.tsx";
import { ResourceDetail } from "./pages/ResourceDetail.tsx";
import type { PageProps } from "./router.ts";

/** The dashboard's addresses, as agreed for links into it (`<dashboard base URL><route>`). */
export const ROUTES: { pattern: string; title: string; page: FunctionComponent<PageProps> }[] = [
  { pattern: "/", title: "Overview", page: Overview },
  { pattern: "/resources/:id", title: "Resource", page: ResourceDetail },
  { pattern: "/findings", title: "Findings", page: Findings },
  { pattern: "/findings/:id", title: "Finding", page: FindingDetail },
  { pattern: "/recommendations", title: "Recommendations", page: Recommendations },
  { pattern: "/operations", title: "Operations", page: Operations },
  { pattern: "/operations/:id", title: "Operation", page: OperationDetail },
  { pattern: "/inventory", title: "Inventory", page: Inventory },
  { pattern: "/dr", title: "DR readiness", page: DrReadiness },
  { pattern: "/activity", title: "Activity", page: Activity },
  { pattern: "/audit", title: "Audit log", page: Audit },
];
