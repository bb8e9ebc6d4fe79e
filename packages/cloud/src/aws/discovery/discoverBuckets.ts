import { type Bucket, GetBucketTaggingCommand, paginateListBuckets } from "@aws-sdk/client-s3";
import { discoveredResource, isCloudError } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";
import { awsCall } from "../awsErrors.ts";
import { tagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";
import { mapWithConcurrency } from "./mapWithConcurrency.ts";

async function bucketTags(clients: AwsClients, bucket: string): Promise<Record<string, string>> {
  try {
    const answer = await awsCall("s3", "GetBucketTagging", () =>
      clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })),
    );
    return tagsOf(answer.TagSet);
  } catch (error) {
    // S3 answers "NoSuchTagSet" for a bucket without tags.
    if (isCloudError(error) && error.providerCode === "NoSuchTagSet") return {};
    throw error;
  }
}

export const discoverBuckets: KindLister = async (clients, region) => {
  // Bucket names are global, but a bucket lives in one region: only this region's belong here.
  const buckets = await awsCall("s3", "ListBuckets", async () => {
    const found: Bucket[] = [];
    for await (const page of paginateListBuckets({ client: clients.s3 }, { BucketRegion: region })) {
      found.push(...(page.Buckets ?? []));
    }
    return found;
  });
  return mapWithConcurrency(
    buckets.filter((bucket) => bucket.Name),
    4,
    async (bucket) => {
      const name = bucket.Name as string;
      return discoveredResource({
        kind: "s3_bucket",
        cloudId: name,
        name,
        region: bucket.BucketRegion ?? region,
        tags: await bucketTags(clients, name),
        attributes: { createdAt: bucket.CreationDate?.toISOString() ?? null },
      });
    },
  );
};
