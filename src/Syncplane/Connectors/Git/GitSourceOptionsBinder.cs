using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Connectors.Git;

/// <summary>Reads and validates <see cref="GitSourceOptions"/>; secret references are checked for syntax only.</summary>
internal static partial class GitSourceOptionsBinder
{
    private const string What = "git source options";

    public static GitSourceOptions? Bind(ConfigNode node, ConfigReader reader)
    {
        var errors = reader.Errors.Count;
        if (!reader.Mapping(node, What, "url", "branch", "tag", "commit", "paths", "root", "map", "depth", "username", "password", "token"))
        {
            return null;
        }

        var url = reader.Text(node, "url", required: true);
        var branch = RefName(node, reader, "branch");
        var tag = RefName(node, reader, "tag");
        var commit = reader.Text(node, "commit");
        if (commit is not null && !ShaRegex().IsMatch(commit))
        {
            reader.Error(node["commit"]!, $"'commit' must be a full commit SHA (40 hex digits), found '{commit}'; use 'tag' or 'branch' for names");
        }

        if (new[] { branch, tag, commit }.Count(v => v is not null) > 1)
        {
            reader.Error(node, "set at most one of 'branch', 'tag' and 'commit'");
        }

        var paths = reader.Globs(node, "paths");
        var root = Root(node, reader);
        var map = Map(node, reader);
        if (map is not null && (root is not null || paths.Count > 0))
        {
            reader.Error(node["map"]!, "'map' names every file and folder to sync: it cannot be combined with 'root' or 'paths'");
        }

        var depth = reader.WholeNumber(node, "depth", min: 0);
        var username = Secret(node, reader, "username", mustBeReference: false);
        var password = Secret(node, reader, "password", mustBeReference: true);
        var token = Secret(node, reader, "token", mustBeReference: true);
        if (password is not null && token is not null)
        {
            reader.Error(node["token"]!, "set either 'password' or 'token', not both");
        }

        if (password is not null && username is null)
        {
            reader.Error(node["password"]!, "'password' needs a 'username'");
        }

        if (url is null || !CheckUrl(node["url"]!, url, reader))
        {
            return null;
        }

        if (reader.Errors.Count > errors)
        {
            return null;
        }

        var resolved = GitSourceOptions.IsRemote(url)
            ? url
            : Path.GetFullPath(url, Path.GetDirectoryName(Path.GetFullPath(node.File)) ?? "/");
        return new GitSourceOptions(resolved, url)
        {
            Branch = branch,
            Tag = tag,
            Commit = commit?.ToLowerInvariant(),
            Paths = paths,
            Root = root,
            Map = map,
            Depth = (int)(depth ?? 1),
            Username = username,
            Password = password,
            Token = token,
        };
    }

    private static bool CheckUrl(ConfigNode at, string url, ConfigReader reader)
    {
        if (url.Length == 0 || url.StartsWith('-'))
        {
            reader.Error(at, $"'url' must be a repository URL or path, found '{url}'");
            return false;
        }

        if (SecretResolver.HasReference(url) || SecretResolver.SyntaxError(url) is not null)
        {
            reader.Error(at, "'url' must not contain secret references; put credentials in 'username' with 'password' or 'token'");
            return false;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            reader.Error(at, "'url' must not embed a password; use 'username' with 'password' or 'token' as secret references");
            return false;
        }

        return true;
    }

    private static string? Root(ConfigNode node, ConfigReader reader)
    {
        if (reader.Text(node, "root") is not { } root)
        {
            return null;
        }

        var normalized = GitPathMap.Normalize(root, out var error);
        if (error is not null)
        {
            reader.Error(node["root"]!, $"'root' {error}: it names a folder of the repository, such as 'docs'; found '{root}'");
        }

        return normalized;
    }

    private static GitPathMap? Map(ConfigNode node, ConfigReader reader)
    {
        if (node["map"] is not { } map || map.IsNull)
        {
            return null;
        }

        if (map.Kind != ConfigNodeKind.Mapping || map.Entries.Count == 0)
        {
            reader.Error(map, $"'map' must map repository paths to destination paths (pmo.yaml: config/lz-pmo.yaml), found {map.Describe()}");
            return null;
        }

        var entries = new List<GitPathMapping>();
        foreach (var (key, value) in map.Entries)
        {
            var source = GitPathMap.Normalize(key.Value ?? "", out var sourceError);
            if (source is null)
            {
                reader.Error(key, $"'map': the repository path '{key.Value}' {sourceError}");
                continue;
            }

            if (value.Kind != ConfigNodeKind.Scalar || value.Value is not { } written)
            {
                reader.Error(value, $"'map': the destination of '{source}' must be a path, found {value.Describe()}");
                continue;
            }

            var destination = GitPathMap.Normalize(written, out var destinationError);
            if (destination is null)
            {
                reader.Error(value, $"'map': the destination '{written}' of '{source}' {destinationError}; to take a folder's contents as the whole snapshot use 'root'");
                continue;
            }

            // 'DIR/' is a folder the source goes into under its own name, as with 'cp SRC DIR/'.
            entries.Add(new GitPathMapping(source!, written.TrimEnd().EndsWith('/') ? $"{destination}/{source[(source.LastIndexOf('/') + 1)..]}" : destination));
        }

        return new GitPathMap(entries);
    }

    private static string? RefName(ConfigNode node, ConfigReader reader, string key)
    {
        var value = reader.Text(node, key);
        if (value is not null && (!RefRegex().IsMatch(value) || value.Contains("..", StringComparison.Ordinal)))
        {
            reader.Error(node[key]!, $"'{key}' is not a valid git ref name: '{value}'");
            return null;
        }

        return value;
    }

    private static string? Secret(ConfigNode node, ConfigReader reader, string key, bool mustBeReference)
    {
        var value = reader.Text(node, key);
        if (value is null)
        {
            return null;
        }

        if (SecretResolver.SyntaxError(value) is { } error)
        {
            reader.Error(node[key]!, $"'{key}': {error}");
            return null;
        }

        if (mustBeReference && !SecretResolver.HasReference(value))
        {
            reader.Error(node[key]!, $"'{key}' must be a secret reference such as ${{env:GIT_TOKEN}} or ${{file:PATH}}; credentials are never written in syncplane.yaml");
            return null;
        }

        return value;
    }

    [GeneratedRegex("^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$")]
    private static partial Regex ShaRegex();

    // No control characters, spaces, ~ ^ : ? * [ \ ; not starting with '-' or '/'; no trailing '/' or '.lock'.
    [GeneratedRegex(@"^(?![-/])[^\x00-\x20~^:?*\[\\\x7f]+(?<![/.]|\.lock)$")]
    private static partial Regex RefRegex();
}
