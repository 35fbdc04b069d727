namespace Syncplane.Connectors.Directory;

/// <summary>A key would resolve outside the destination root (absolute, '..', or through a symlink).</summary>
internal sealed class UnsafePathException(string root, string key, string why)
    : IOException($"refusing to write '{key}' under {root}: {why}; nothing was written for it")
{
    public string Key { get; } = key;
}
