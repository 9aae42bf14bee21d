using System.Diagnostics;
using Amazon;
using Amazon.S3;
using Amazon.Runtime;
using Amazon.S3.Model;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LlamaModel.Storage;

/// <summary>What a transfer moved.</summary>
/// <param name="Files">How many files.</param>
/// <param name="Bytes">How many bytes.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record S3Transfer(int Files, long Bytes, TimeSpan Elapsed)
{
    /// <summary>Throughput in MB/s (0 for an instant transfer).</summary>
    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1_048_576.0 / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// A model directory in S3, through AWS's S3 client: the builder uploads it once, a function downloads it to <c>/tmp</c> at init
/// (the "vanilla" way of shipping a model that the optimised build avoids). The endpoint comes from AWS's own variables
/// (<c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>), so the same code talks to S3 or to a local S3-compatible server.
/// </summary>
public static class S3ModelStore
{
    /// <summary>The function's variable naming where its model is (<c>s3://bucket/prefix/</c>): init downloads it from there.</summary>
    public const string ModelUriVariable = "LLAMA_MODEL_S3_URI";

    /// <summary>AWS's variable for the S3 endpoint (an S3-compatible server: path-style addressing).</summary>
    public const string EndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>AWS's variable for every service's endpoint.</summary>
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>How many objects move at once.</summary>
    public const int Parallelism = 4;

    /// <summary>An S3 client for the endpoint, region and credentials the environment names (else AWS's credential chain).</summary>
    /// <param name="env">The environment.</param>
    /// <returns>The client.</returns>
    public static AmazonS3Client CreateClient(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var config = new AmazonS3Config();
        var region = env(LambdaEnvironmentVariables.Region) ?? env(LambdaEnvironmentVariables.DefaultRegion);
        if (region is { Length: > 0 })
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if ((env(EndpointVariable) ?? env(GlobalEndpointVariable)) is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            // S3-compatible servers predate the SDK's default trailing checksums (aws-chunked bodies): checksums only where required.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            config.AuthenticationRegion = region ?? "us-east-1";
        }

        // Lambda hands the execution role's credentials to the function as variables; elsewhere, AWS's usual chain.
        return env(LambdaEnvironmentVariables.AccessKeyId) is { Length: > 0 } key && env(LambdaEnvironmentVariables.SecretAccessKey) is { Length: > 0 } secret
            ? new AmazonS3Client(env(LambdaEnvironmentVariables.SessionToken) is { Length: > 0 } token
                ? new SessionAWSCredentials(key, secret, token)
                : new BasicAWSCredentials(key, secret), config)
            : new AmazonS3Client(config);
    }

    /// <summary>Downloads every object under <paramref name="from"/> into <paramref name="directory"/> (created; subfolders kept).</summary>
    /// <param name="s3">The client.</param>
    /// <param name="from">The model's location.</param>
    /// <param name="directory">Where to write it.</param>
    /// <param name="cancellationToken">Cancels the transfer.</param>
    /// <returns>What was moved.</returns>
    public static async Task<S3Transfer> DownloadAsync(IAmazonS3 s3, S3ModelLocation from, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(from);
        var started = Stopwatch.GetTimestamp();
        var objects = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = from.Bucket, Prefix = from.Prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            objects.AddRange((page.S3Objects ?? []).Where(o => !o.Key.EndsWith('/')));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);

        if (objects.Count == 0)
        {
            throw new FileNotFoundException($"No objects under {from}: upload the model first (llama-model-builder upload).");
        }

        Directory.CreateDirectory(directory);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (o, ct) =>
        {
            var path = Path.GetFullPath(Path.Combine(directory, o.Key[from.Prefix.Length..]));
            if (!path.StartsWith(Path.GetFullPath(directory), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The object key '{o.Key}' leaves the model directory.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var response = await s3.GetObjectAsync(from.Bucket, o.Key, ct).ConfigureAwait(false);
            await using var file = File.Create(path);
            await response.ResponseStream.CopyToAsync(file, 1 << 20, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        return new S3Transfer(objects.Count, objects.Sum(o => o.Size ?? 0), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Whether a model is already at <paramref name="at"/> (its config file is there).</summary>
    /// <param name="s3">The client.</param>
    /// <param name="at">The location.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>True when the config file exists.</returns>
    public static async Task<bool> ExistsAsync(IAmazonS3 s3, S3ModelLocation at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(at);
        try
        {
            await s3.GetObjectMetadataAsync(at.Bucket, at.Prefix + ModelDirectoryLayout.ConfigFile, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Uploads every file of <paramref name="directory"/> under <paramref name="to"/>, creating the bucket if it is missing.</summary>
    /// <param name="s3">The client.</param>
    /// <param name="directory">The model directory.</param>
    /// <param name="to">Where it goes.</param>
    /// <param name="cancellationToken">Cancels the transfer.</param>
    /// <returns>What was moved.</returns>
    public static async Task<S3Transfer> UploadAsync(IAmazonS3 s3, string directory, S3ModelLocation to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(to);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await s3.PutBucketAsync(to.Bucket, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // The bucket is there already: uploads go into it.
        }

        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (file, ct) =>
        {
            var key = to.Prefix + Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = to.Bucket, Key = key, FilePath = file, UseChunkEncoding = false }, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        return new S3Transfer(files.Length, files.Sum(f => new FileInfo(f).Length), Stopwatch.GetElapsedTime(started));
    }
}
