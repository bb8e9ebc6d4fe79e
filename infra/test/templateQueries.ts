// Small readers over a synthesised CloudFormation template, shared by the stack tests.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { App } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function resourcesOf(template: Template, type?: string): [string, CfnResourceJson][] {
  const all = (template.toJSON().Resources ?? {}) as Record<string, CfnResourceJson>;
  return Object.entries(all).filter(([, resource]) => type === undefined || resource.Type === type);
}

export function resourceById(template: Template, logicalId: string): CfnResourceJson {
  const found = resourcesOf(template).find(([id]) => id === logicalId);
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found[1];
}

export const props = (resource: CfnResourceJson): Record<string, unknown> => resource.Properties ?? {};

/** The one resource of a type whose properties satisfy `match`. */
export function onlyResource(
  template: Template,
  type: string,
  match: (properties: Record<string, unknown>) => boolean = () => true,
): [string, CfnResourceJson] {
  const found = resourcesOf(template, type).filter(([, resource]) => match(props(resource)));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, CfnResourceJson];
}

/** `{ Ref: id }` or `{ Fn::GetAtt: [id, ...] }` → id. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === "string") return ref;
  const getAtt = (value as { "Fn::GetAtt"?: unknown })["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  return undefined;
}

/** Every logical id referenced anywhere inside a value. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  const id = referencedId(value);
  if (id) into.add(id);
  if (Array.isArray(value)) for (const item of value) referencedIds(item, into);
  else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) referencedIds(item, into);
  }
  return into;
}

export function statementsOf(policyDocument: unknown): PolicyStatementJson[] {
  return asArray((policyDocument as { Statement?: PolicyStatementJson | PolicyStatementJson[] }).Statement);
}

/** Every statement of the template's customer-managed and inline policies, with where it came from. */
export function allStatements(template: Template): { policy: string; statement: PolicyStatementJson }[] {
  const found: { policy: string; statement: PolicyStatementJson }[] = [];
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const [id, resource] of resourcesOf(template, type)) {
      for (const statement of statementsOf(props(resource).PolicyDocument)) found.push({ policy: id, statement });
    }
  }
  for (const [id, resource] of resourcesOf(template, "AWS::IAM::Role")) {
    for (const inline of asArray(props(resource).Policies as { PolicyDocument: unknown }[] | undefined)) {
      for (const statement of statementsOf(inline.PolicyDocument)) found.push({ policy: id, statement });
    }
  }
  return found;
}

/** The role a Lambda function runs as. */
export function roleOfFunction(template: Template, functionId: string): string {
  const role = referencedId(props(resourceById(template, functionId)).Role);
  if (!role) throw new Error(`${functionId} has no role`);
  return role;
}

/**
 * Every action granted to a role by the template: customer-managed policies in its
 * ManagedPolicyArns and inline policies attached to it (AWS-managed policies are not in the
 * template and are left out).
 */
export function actionsOfRole(template: Template, roleId: string): Set<string> {
  const actions = new Set<string>();
  const add = (document: unknown) => {
    for (const statement of statementsOf(document)) {
      if (statement.Effect === "Allow") for (const action of asArray(statement.Action)) actions.add(action);
    }
  };
  const role = props(resourceById(template, roleId));
  for (const arn of asArray(role.ManagedPolicyArns as unknown[] | undefined)) {
    const id = referencedId(arn);
    if (id) add(props(resourceById(template, id)).PolicyDocument);
  }
  for (const [, policy] of resourcesOf(template, "AWS::IAM::Policy")) {
    const roles = asArray(props(policy).Roles as unknown[] | undefined).map(referencedId);
    if (roles.includes(roleId)) add(props(policy).PolicyDocument);
  }
  return actions;
}

export const dependsOn = (resource: CfnResourceJson): string[] => asArray(resource.DependsOn);

export interface ValidationViolation {
  rule: string;
  severity: string;
  description: string;
  constructs: string[];
}

/**
 * What CDK's built-in CloudFormation validation (run at synth) found, read from the
 * `validation-report.json` it writes beside the templates (absent when it found nothing).
 */
export function validationViolations(app: App): ValidationViolation[] {
  const file = path.join(app.outdir, "validation-report.json");
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    pluginReports?: {
      violations?: {
        ruleName: string;
        severity: string;
        description: string;
        violatingConstructs?: { constructPath: string }[];
      }[];
    }[];
  };
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity,
      description: violation.description,
      constructs: (violation.violatingConstructs ?? []).map((c) => c.constructPath),
    })),
  );
}

/** CloudFormation validation findings accepted as they are: none. */
export const ACCEPTED_VALIDATION_RULES = new Set<string>();

/** Characters EC2 accepts in security group and rule descriptions (an apostrophe fails the deploy). */
const EC2_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;

/** Security group and rule descriptions EC2 would refuse. */
export function invalidSecurityGroupDescriptions(template: Template): string[] {
  const texts: string[] = [];
  for (const [, group] of resourcesOf(template, "AWS::EC2::SecurityGroup")) {
    texts.push(String(props(group).GroupDescription ?? ""));
    for (const key of ["SecurityGroupIngress", "SecurityGroupEgress"]) {
      for (const rule of asArray(props(group)[key] as { Description?: string }[] | undefined)) {
        texts.push(rule.Description ?? "");
      }
    }
  }
  for (const type of ["AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"]) {
    for (const [, rule] of resourcesOf(template, type)) texts.push(String(props(rule).Description ?? ""));
  }
  return texts.filter((text) => !EC2_DESCRIPTION.test(text));
}
