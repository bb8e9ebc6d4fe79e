import { type Static, Type } from "typebox";
import { defineOperation } from "../defineOperation.ts";
import { describeDbInstance } from "./dbInstanceLookup.ts";
import { availableCheck, stepDbSettingChange, timingCheck } from "./dbSettingChange.ts";

const EnableMultiAzBody = Type.Object(
  {
    /** Default true; false leaves the conversion for the instance's next maintenance window. */
    applyImmediately: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EnableMultiAzParams = Static<typeof EnableMultiAzBody>;

/** Nothing to keep between ticks: the cloud says where the change is. */
const EnableMultiAzState = Type.Object({});

/**
 * Turn an RDS instance into a Multi-AZ deployment: RDS creates a synchronous standby in another
 * zone and fails over to it automatically. Read replicas may be Multi-AZ too (RDS for PostgreSQL
 * allows it), so they are not refused.
 */
export const enableMultiAz = defineOperation({
  kind: "enable_multi_az",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "multi-az",
  summary: "Make an RDS instance Multi-AZ (a standby in another zone)",
  description:
    "ModifyDBInstance with MultiAZ, applied immediately unless `applyImmediately: false` (then in the next " +
    "maintenance window, and the operation succeeds once the change is pending). While the standby is " +
    "created from a snapshot, I/O latency rises; the instance costs about twice as much afterwards. " +
    "Nothing is done for an instance that is already Multi-AZ.",
  body: EnableMultiAzBody,
  state: EnableMultiAzState,
  // Creating the standby copies the whole volume: tens of minutes for a large database.
  defaultTimeoutMinutes: 90,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    const instance = await describeDbInstance(cloud, target.cloudId);
    const applyImmediately = params.applyImmediately ?? true;
    if (instance.multiAz) {
      return {
        summary: `nothing to change: ${instance.identifier} is already Multi-AZ`,
        changes: [],
        checks: [{ name: "already Multi-AZ", passed: true, detail: "the operation succeeds without calling RDS" }],
      };
    }
    return {
      summary: `make ${instance.identifier} Multi-AZ${applyImmediately ? "" : " in its next maintenance window"}`,
      changes: [{ field: "multiAz", from: false, to: true }],
      checks: [
        availableCheck(instance),
        timingCheck(applyImmediately),
        {
          name: "performance impact",
          passed: true,
          detail:
            "while RDS creates the standby from a snapshot, write and read latency rise (more for a large or busy " +
            "database); there is no outage",
        },
        { name: "cost", passed: true, detail: "the instance and its storage cost roughly twice as much once Multi-AZ" },
      ],
    };
  },

  step: ({ operation, target, cloud }) =>
    stepDbSettingChange(
      {
        kind: "enable_multi_az",
        setting: "multiAz",
        wanted: true,
        applyImmediately: operation.params.applyImmediately ?? true,
      },
      { step: operation.step, target, cloud },
    ),

  // Once asked for, RDS goes on creating the standby whatever happens here.
  cancellableIn: (step) => step === "act",
});
