using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>What GitHub and GitLab push payloads share: a ref and commits with added/modified/removed paths.</summary>
internal static class GitRef
{
    /// <summary><c>refs/heads/main</c> → branch main; <c>refs/tags/v1</c> → tag v1.</summary>
    public static (string? Branch, string? Tag) Split(string? gitRef) => gitRef switch
    {
        null => (null, null),
        _ when gitRef.StartsWith("refs/heads/", StringComparison.Ordinal) => (gitRef["refs/heads/".Length..], null),
        _ when gitRef.StartsWith("refs/tags/", StringComparison.Ordinal) => (null, gitRef["refs/tags/".Length..]),
        _ => (gitRef, null),
    };

    /// <summary>The union of added, modified and removed paths, in first-seen order.</summary>
    public static List<string> ChangedPaths(IEnumerable<JsonElement> commits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<string>();
        foreach (var commit in commits)
        {
            foreach (var list in (string[])["added", "modified", "removed"])
            {
                foreach (var path in commit.Array(list))
                {
                    if (path.ValueKind == JsonValueKind.String && path.GetString() is { Length: > 0 } p && seen.Add(p))
                    {
                        paths.Add(p);
                    }
                }
            }
        }

        return paths;
    }

    public static string Describe(string? branch, string? tag) => tag is not null ? "tag " + tag : branch ?? "?";
}
