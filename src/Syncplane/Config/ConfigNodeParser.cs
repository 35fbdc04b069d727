using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Syncplane.Config;

/// <summary>Turns YAML text into <see cref="ConfigNode"/> trees that remember where each node was.</summary>
internal static class ConfigNodeParser
{
    public static ConfigNode Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var message = StripPosition(ex.InnerException?.Message ?? ex.Message);
            if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
            {
                throw new ConfigException([new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"duplicate key '{message[14..]}'; each key may appear once in a mapping")]);
            }

            throw new ConfigException([new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"invalid YAML: {message}")]);
        }

        if (stream.Documents.Count == 0)
        {
            throw new ConfigException([new ConfigError(file, 1, 1, "the file is empty; expected a mapping with 'targets'")]);
        }

        return Convert(stream.Documents[0].RootNode, file);
    }

    private static ConfigNode Convert(YamlNode node, string file)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        switch (node)
        {
            case YamlMappingNode mapping:
                var entries = new List<KeyValuePair<ConfigNode, ConfigNode>>();
                foreach (var (key, value) in mapping.Children)
                {
                    entries.Add(new(Convert(key, file), Convert(value, file))); // YamlDotNet already rejects duplicate keys
                }

                return new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = entries };
            case YamlSequenceNode sequence:
                return new ConfigNode
                {
                    File = file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence,
                    Items = sequence.Children.Select(c => Convert(c, file)).ToList(),
                };
            case YamlScalarNode scalar:
                var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                var text = !quoted && scalar.Value is "~" or "null" or "" ? null : scalar.Value;
                return new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Scalar, Value = text, Quoted = quoted };
            default:
                throw new ConfigException([new ConfigError(file, line, column, "YAML aliases and tags are not supported here")]);
        }
    }

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var idx = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && idx > 0 ? message[(idx + 3)..] : message;
    }
}
