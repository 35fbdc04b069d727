using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>Options of the <c>git</c> source connector.</summary>
/// <param name="Url">What git fetches from: a URL as written, or a local path made absolute against the config's directory.</param>
/// <param name="DisplayUrl">The URL exactly as written in the config: the only form that appears in logs.</param>
internal sealed record GitSourceOptions(string Url, string DisplayUrl)
{
    /// <summary>Branch to follow. At most one of branch, tag and commit; none means the remote's HEAD.</summary>
    public string? Branch { get; init; }

    /// <summary>Tag to check out.</summary>
    public string? Tag { get; init; }

    /// <summary>Full commit SHA to check out (fetched by SHA, or by a full fetch when the server refuses that).</summary>
    public string? Commit { get; init; }

    /// <summary>Globs of the repository paths that form the snapshot; empty means everything but <c>.git</c>.</summary>
    public IReadOnlyList<Glob> Paths { get; init; } = [];

    /// <summary>
    /// A folder of the repository whose contents form the snapshot (<c>root: docs</c>: <c>docs/a.md</c> arrives as
    /// <c>a.md</c>, like <c>cp -r docs/* DEST/</c>); <see cref="Paths"/> then match below it. Null for the whole repository.
    /// </summary>
    public string? Root { get; init; }

    /// <summary>Explicit file and folder mappings; when set, only they form the snapshot (see <see cref="GitPathMap"/>).</summary>
    public GitPathMap? Map { get; init; }

    /// <summary>History depth to fetch. <value>1 (shallow)</value>; 0 fetches the full history.</summary>
    public int Depth { get; init; } = 1;

    /// <summary>HTTP user name (literal or secret reference); with <see cref="Token"/> alone, <c>x-access-token</c> is used.</summary>
    public string? Username { get; init; }

    /// <summary>HTTP password: a secret reference, resolved only when git runs.</summary>
    public string? Password { get; init; }

    /// <summary>HTTP token: a secret reference, resolved only when git runs; sent as HTTP Basic with <see cref="Username"/> to http(s) URLs only.</summary>
    public string? Token { get; init; }

    /// <summary>True when the source sends HTTP credentials.</summary>
    public bool HasCredentials => Password is not null || Token is not null;

    /// <summary>The ref a fetch asks for: refs/heads/BRANCH, refs/tags/TAG, the commit SHA, or HEAD.</summary>
    public string FetchRef =>
        Branch is not null ? $"refs/heads/{Branch}"
        : Tag is not null ? $"refs/tags/{Tag}"
        : Commit ?? "HEAD";

    /// <summary>What is checked out, for messages ("branch main", "the remote HEAD").</summary>
    public string Describe() =>
        Branch is not null ? $"branch {Branch}"
        : Tag is not null ? $"tag {Tag}"
        : Commit is not null ? $"commit {Commit}"
        : "the remote HEAD";

    /// <summary>
    /// True when <paramref name="url"/> is a remote URL (scheme://… or scp-like host:path) rather than a local path;
    /// git's own rule: a colon before the first slash makes it scp-like.
    /// </summary>
    public static bool IsRemote(string url)
    {
        if (url.Contains("://", StringComparison.Ordinal))
        {
            return true;
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var slash = url.IndexOf('/', StringComparison.Ordinal);
        return colon > 0 && (slash < 0 || colon < slash);
    }

    /// <summary>True for http:// and https:// URLs, the only ones credentials are sent to.</summary>
    public static bool IsHttp(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
