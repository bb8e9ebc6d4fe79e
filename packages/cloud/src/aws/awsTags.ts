/** AWS tag lists (`Key`/`Value`, or `key`/`value` in CodePipeline) as a plain record. */
export function tagsOf(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? "";
  }
  return record;
}

export function lowerCaseTagsOf(tags: readonly { key?: string; value?: string }[] | undefined): Record<string, string> {
  return tagsOf(tags?.map((tag) => ({ Key: tag.key, Value: tag.value })));
}

/** The tag Elastic Beanstalk puts on the groups and load balancers it owns. */
export const BEANSTALK_ENVIRONMENT_ID_TAG = "elasticbeanstalk:environment-id";
