namespace Syncplane.Connectors.Directory;

/// <summary>Checks that a key stays inside its root before anything touches the file system.</summary>
internal static class SafeKeys
{
    /// <summary>Null when <paramref name="key"/> is a plain relative path, else why not.</summary>
    public static string? Problem(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "the key is empty";
        }

        if (key[0] == '/' || key[0] == '\\' || Path.IsPathRooted(key))
        {
            return "the key is an absolute path";
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            return "the key contains a NUL character";
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return $"the key has a '{segment}' segment";
            }
        }

        return null;
    }

    /// <summary>The parent key ("" for top-level keys).</summary>
    public static string Parent(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash < 0 ? "" : key[..slash];
    }

    public static int Depth(string key) => key.AsSpan().Count('/');
}
