namespace LlamaAspire.LlamaModel.Storage;

/// <summary>Where a model directory lives in S3: <c>s3://bucket/prefix/</c> (every object under the prefix is one file of it).</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">The key prefix, ending in '/' (or empty for the whole bucket).</param>
public sealed record S3ModelLocation(string Bucket, string Prefix)
{
    /// <summary>The URI scheme.</summary>
    public const string Scheme = "s3://";

    /// <summary>Parses <c>s3://bucket[/prefix]</c>; the error says what is wrong with it.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The location.</returns>
    public static S3ModelLocation Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal) || uri.Length == Scheme.Length)
        {
            throw new FormatException($"'{uri}' is not an S3 location: expected s3://bucket/prefix/.");
        }

        var rest = uri[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw new FormatException($"'{bucket}' in '{uri}' is not a valid bucket name (3–63 lowercase letters, digits, '-' or '.').");
        }

        return new S3ModelLocation(bucket, prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Scheme}{Bucket}/{Prefix}";
}
