import { Type } from "typebox";
import { Timestamp, Uuid } from "./common.ts";

export const SyncRun = Type.Object(
  {
    id: Uuid,
    environmentId: Uuid,
    status: Type.Enum(["running", "succeeded", "failed"]),
    trigger: Type.String({ description: "api, schedule or startup" }),
    startedAt: Timestamp,
    finishedAt: Type.Union([Timestamp, Type.Null()]),
    discovered: Type.Integer({ description: "Resources found in the cloud" }),
    created: Type.Integer(),
    updated: Type.Integer({ description: "Resources that had drifted; each change is an audit event" }),
    unchanged: Type.Integer(),
    markedGone: Type.Integer({ description: "Resources no longer in the cloud (kept, status gone)" }),
    failures: Type.Array(Type.Object({ kind: Type.String(), error: Type.String() }), {
      description: "Kinds the cloud could not list; their resources were left as they were",
    }),
    error: Type.Union([Type.String(), Type.Null()], { description: "Why the run failed; nothing was applied" }),
  },
  { $id: "SyncRun" },
);
