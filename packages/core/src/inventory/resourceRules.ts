import { type FieldProblem, ValidationError } from "../errors.ts";
import type { NewResource, Resource, ResourceKind, ResourcePatch, ResourceSpec } from "./types.ts";

/** AWS accepts 0–35 days of automated backups. */
export const MAX_BACKUP_RETENTION_DAYS = 35;

const KINDS_WITH_INSTANCE_TYPE: ReadonlySet<ResourceKind> = new Set(["auto_scaling_group", "instance", "db_instance"]);

/** A resource spec with nothing set: what a new resource starts from. */
export const EMPTY_RESOURCE_SPEC: ResourceSpec = {
  status: "active",
  region: null,
  availabilityZones: [],
  tags: {},
  attributes: {},
  instanceType: null,
  capacity: null,
  parentId: null,
  database: null,
  pipeline: null,
};

/**
 * The unique index on (environment, kind, cloudId) holds about 2.7 kB per entry;
 * 2048 characters fit only while they are mostly ASCII (as AWS identifiers are).
 */
export const MAX_CLOUD_ID_BYTES = 2048;

/** The full spec of a new resource, with defaults filled in and the kind's rules checked. */
export function specOfNewResource(input: NewResource): ResourceSpec {
  const cloudIdBytes = new TextEncoder().encode(input.cloudId).length;
  if (cloudIdBytes > MAX_CLOUD_ID_BYTES) {
    throw new ValidationError([
      {
        field: "/cloudId",
        rule: "maxBytes",
        message: `cloudId is ${cloudIdBytes} bytes in UTF-8; at most ${MAX_CLOUD_ID_BYTES} are accepted`,
      },
    ]);
  }
  const spec: ResourceSpec = { ...EMPTY_RESOURCE_SPEC };
  for (const key of Object.keys(EMPTY_RESOURCE_SPEC) as (keyof ResourceSpec)[]) {
    if (input[key] !== undefined) (spec as unknown as Record<string, unknown>)[key] = input[key];
  }
  assertSpecFitsKind(input.kind, spec);
  return spec;
}

/** Applies a patch to a resource and checks the result against the kind's rules. */
export function applyResourcePatch(current: Resource, patch: ResourcePatch): ResourceSpec & { name: string } {
  const { database: databasePatch, name, ...rest } = patch;
  const next: ResourceSpec & { name: string } = { ...current, name: name ?? current.name };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  if (databasePatch === null) next.database = null;
  else if (databasePatch !== undefined) {
    if (!current.database) {
      // A first database spec must be complete; the validator reports what is missing.
      next.database = databasePatch as ResourceSpec["database"];
    } else {
      next.database = { ...current.database, ...withoutUndefined(databasePatch) };
    }
  }
  assertSpecFitsKind(current.kind, next);
  return next;
}

export function assertSpecFitsKind(kind: ResourceKind, spec: ResourceSpec): void {
  const problems: FieldProblem[] = [];
  const forbid = (field: string, present: boolean, onlyFor: string) => {
    if (present) problems.push({ field, rule: "kind", message: `only ${onlyFor} have ${field.slice(1)}` });
  };

  forbid(
    "/instanceType",
    spec.instanceType !== null && !KINDS_WITH_INSTANCE_TYPE.has(kind),
    "instances, Auto Scaling groups and DB instances",
  );
  forbid("/capacity", spec.capacity !== null && kind !== "auto_scaling_group", "Auto Scaling groups");
  forbid("/database", spec.database !== null && kind !== "db_instance", "DB instances");
  forbid("/pipeline", spec.pipeline !== null && kind !== "pipeline", "pipelines");

  if (kind === "auto_scaling_group") {
    if (!spec.capacity)
      problems.push({ field: "/capacity", rule: "required", message: "an Auto Scaling group needs capacity" });
    else problems.push(...capacityProblems(spec.capacity));
  }
  if (kind === "db_instance") {
    if (!spec.database)
      problems.push({ field: "/database", rule: "required", message: "a DB instance needs database" });
    else problems.push(...databaseProblems(spec.database));
  }
  if (kind === "pipeline" && spec.pipeline) {
    const seen = new Set<string>();
    for (const [index, stage] of spec.pipeline.stages.entries()) {
      if (seen.has(stage)) {
        problems.push({
          field: `/pipeline/stages/${index}`,
          rule: "unique",
          message: `stage ${stage} is listed twice`,
        });
      }
      seen.add(stage);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

function capacityProblems(capacity: ResourceSpec["capacity"] & object): FieldProblem[] {
  const { minSize, maxSize, desiredCapacity } = capacity;
  const problems: FieldProblem[] = [];
  if (minSize > maxSize) {
    problems.push({
      field: "/capacity/minSize",
      rule: "range",
      message: `minSize ${minSize} is above maxSize ${maxSize}`,
    });
  }
  if (desiredCapacity < minSize || desiredCapacity > maxSize) {
    problems.push({
      field: "/capacity/desiredCapacity",
      rule: "range",
      message: `desiredCapacity ${desiredCapacity} must be between minSize ${minSize} and maxSize ${maxSize}`,
    });
  }
  return problems;
}

function databaseProblems(database: Partial<NonNullable<ResourceSpec["database"]>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ["role", "multiAz", "backupRetentionDays"] as const) {
    if (database[field] === undefined || database[field] === null) {
      problems.push({ field: `/database/${field}`, rule: "required", message: `database.${field} is required` });
    }
  }
  if (database.role === "replica" && !database.sourceDbIdentifier) {
    problems.push({
      field: "/database/sourceDbIdentifier",
      rule: "required",
      message: "a read replica must name the instance it replicates",
    });
  }
  if (database.role !== "replica" && database.sourceDbIdentifier) {
    problems.push({
      field: "/database/sourceDbIdentifier",
      rule: "role",
      message: `only a replica has a source instance, this one is ${database.role}`,
    });
  }
  const retention = database.backupRetentionDays;
  if (retention !== undefined && (retention < 0 || retention > MAX_BACKUP_RETENTION_DAYS)) {
    problems.push({
      field: "/database/backupRetentionDays",
      rule: "range",
      message: `backup retention is 0 to ${MAX_BACKUP_RETENTION_DAYS} days, not ${retention}`,
    });
  }
  const earliest = database.earliestRestorableTime;
  const latest = database.latestRestorableTime;
  if (earliest && latest && earliest.getTime() > latest.getTime()) {
    problems.push({
      field: "/database/earliestRestorableTime",
      rule: "order",
      message: "the earliest restorable time is after the latest restorable time",
    });
  }
  return problems;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
