using System.Net;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// An image reference with its registry named, <c>host[:port]/repository[:tag|@digest]</c> — e.g.
/// <c>public.ecr.aws/lambda/provided:al2023</c>. Loopback registries are spoken to over http, every other over https.
/// </summary>
/// <param name="Registry">The registry's base address.</param>
/// <param name="Repository">The repository, e.g. <c>lambda/provided</c>.</param>
/// <param name="Reference">The tag or the digest.</param>
internal sealed record ImageReference(Uri Registry, string Repository, string Reference)
{
    /// <summary>Parses <paramref name="text"/>; a reference without a registry host is refused, naming what is missing.</summary>
    public static ImageReference Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = slash > 0 ? text[..slash] : "";
        if (host.Length == 0 || !(host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost"))
        {
            throw new ArgumentException($"The base image '{text}' names no registry: write it as host/repository:tag, e.g. public.ecr.aws/lambda/provided:al2023.", nameof(text));
        }

        var rest = text[(slash + 1)..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var colon = rest.LastIndexOf(':');
        var (repository, reference) = at > 0 ? (rest[..at], rest[(at + 1)..])
            : colon > rest.LastIndexOf('/') ? (rest[..colon], rest[(colon + 1)..])
            : (rest, "latest");
        if (repository.Length == 0 || reference.Length == 0)
        {
            throw new ArgumentException($"The base image '{text}' has an empty repository or tag.", nameof(text));
        }

        var name = host.Split(':')[0];
        var loopback = name == "localhost" || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
        return new ImageReference(new Uri($"{(loopback ? "http" : "https")}://{host}/"), repository, reference);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Registry.Authority}/{Repository}{(Reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{Reference}";
}
