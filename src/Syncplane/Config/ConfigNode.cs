namespace Syncplane.Config;

public enum ConfigNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// A YAML node with the place it came from, so every validation error can name file, line and column.
/// </summary>
public sealed class ConfigNode
{
    public required string File { get; init; }

    public required int Line { get; init; }

    public required int Column { get; init; }

    public required ConfigNodeKind Kind { get; init; }

    /// <summary>The scalar text (null for mappings, sequences and YAML nulls).</summary>
    public string? Value { get; init; }

    /// <summary>True when the scalar was written in quotes (so "5" is a string, 5 may be a number).</summary>
    public bool Quoted { get; init; }

    /// <summary>Mapping entries in file order; each key keeps its own position.</summary>
    public IReadOnlyList<KeyValuePair<ConfigNode, ConfigNode>> Entries { get; init; } = [];

    public IReadOnlyList<ConfigNode> Items { get; init; } = [];

    public bool IsNull => Kind == ConfigNodeKind.Scalar && Value is null;

    public ConfigNode? this[string key]
    {
        get
        {
            // By index: binding looks up dozens of keys per target, and a foreach over the interface allocated an enumerator each time.
            var entries = Entries;
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Key.Value == key)
                {
                    return entries[i].Value;
                }
            }

            return null;
        }
    }

    public ConfigError Error(string message) => new(File, Line, Column, message);

    public string Describe() => Kind switch
    {
        ConfigNodeKind.Mapping => "a mapping",
        ConfigNodeKind.Sequence => "a list",
        _ when Value is null => "nothing (null)",
        _ => $"'{Value}'",
    };
}
