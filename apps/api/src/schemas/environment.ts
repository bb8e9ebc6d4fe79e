import { Type } from "typebox";
import { Tags, Timestamp, Uuid } from "./common.ts";

const Name = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: "^[a-z][a-z0-9-]*$",
  description: "Lower-case letters, digits and hyphens, starting with a letter",
});
const Region = Type.String({
  maxLength: 32,
  pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$",
  description: "AWS region, e.g. us-east-1",
});
const AccountId = Type.Union([
  Type.String({ pattern: "^\\d{12}$", maxLength: 12, description: "12-digit AWS account id" }),
  Type.Null(),
]);
const Description = Type.String({ maxLength: 1000 });

export const Environment = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.String(),
    region: Type.String(),
    accountId: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Record(Type.String(), Type.String()),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: "Environment" },
);

export const NewEnvironmentBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    region: Region,
    accountId: Type.Optional(AccountId),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

export const EnvironmentPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    region: Type.Optional(Region),
    accountId: Type.Optional(AccountId),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
