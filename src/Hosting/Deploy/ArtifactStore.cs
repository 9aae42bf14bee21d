using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// The S3 bucket Zip packages are deployed from: the bucket is created when absent, a zip is uploaded under its
/// content-hashed key unless that key is there already (same key, same bytes), and destroy removes the function's keys.
/// </summary>
internal sealed class ArtifactStore(IAmazonS3 s3, string bucket, string region, Action<string> say)
{
    /// <summary>The bucket's name.</summary>
    public string Bucket => bucket;

    /// <summary>Uploads the zip as <paramref name="key"/>; returns whether it was uploaded (false: it was there).</summary>
    public async Task<bool> UploadAsync(string zipPath, string key, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            say($"s3://{bucket}/{key} is there already (its name is its content's hash): not uploaded again.");
            return false;
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = zipPath, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
        say($"Uploaded {zipPath} to s3://{bucket}/{key} ({ByteSize.Format(new FileInfo(zipPath).Length)}).");
        return true;
    }

    /// <summary>Whether the bucket has the key.</summary>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Deletes every key under <paramref name="prefix"/> (every zip a function's deploys uploaded); returns them.
    /// The bucket itself stays: other functions' artifacts may share it.</summary>
    public async Task<IReadOnlyList<string>> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        ListObjectsV2Response page;
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        try
        {
            do
            {
                page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    await s3.DeleteObjectAsync(bucket, item.Key, cancellationToken).ConfigureAwait(false);
                    deleted.Add(item.Key);
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            say($"Bucket {bucket} does not exist: no artifacts to delete.");
            return deleted;
        }

        say(deleted.Count == 0
            ? $"No artifacts under s3://{bucket}/{prefix}."
            : $"Deleted {string.Join(", ", deleted.Select(k => $"s3://{bucket}/{k}"))}.");
        return deleted;
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            // Created below.
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new InvalidOperationException($"The artifact bucket {bucket} cannot be listed ({ex.ErrorCode}): it belongs to another AWS account " +
                "(S3 bucket names are global; choose another with Deploy:ArtifactBucket) or these credentials lack s3:ListBucket on it.", ex);
        }

        try
        {
            // us-east-1 is S3's default location and may not be named as a constraint.
            var request = new PutBucketRequest { BucketName = bucket };
            if (region != "us-east-1")
            {
                request.BucketRegionName = region;
            }

            await s3.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
            say($"Created the artifact bucket {bucket}.");
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Ours already: the usual case after the first deploy.
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyExists")
        {
            throw new InvalidOperationException($"The artifact bucket name {bucket} belongs to another AWS account (S3 bucket names are global): " +
                "choose another with Deploy:ArtifactBucket.", ex);
        }
    }
}
