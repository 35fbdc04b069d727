using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Syncplane.Config;

/// <summary>Turns YAML text into <see cref="ConfigNode"/> trees that remember where each node was.</summary>
/// <remarks>
/// Reads the parser's events straight into <see cref="ConfigNode"/>s rather than loading YamlDotNet's
/// representation model first: with 100,000 targets that model (an ordered dictionary of node objects per
/// mapping) cost as much as the parsing itself. Aliases resolve to their anchored node; tags are ignored;
/// a key that repeats a scalar key of the same mapping is an error at the repeat.
/// </remarks>
internal static class ConfigNodeParser
{
    public static ConfigNode Parse(string yaml, string file)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw new ConfigException([new ConfigError(file, 1, 1, "the file is empty; expected a mapping with 'targets'")]);
            }

            var root = new EventReader(parser, file).Node();
            while (parser.MoveNext())
            {
                // Later documents are not used, but a syntax error in them is still an error, as it always was.
            }

            return root;
        }
        catch (YamlException ex)
        {
            var message = StripPosition(ex.InnerException?.Message ?? ex.Message);
            throw new ConfigException([new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"invalid YAML: {message}")]);
        }
    }

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var idx = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && idx > 0 ? message[(idx + 3)..] : message;
    }

    /// <summary>Builds one document's nodes from the events, keeping anchors for the aliases that follow them.</summary>
    private sealed class EventReader(IParser parser, string file)
    {
        private readonly Dictionary<string, ConfigNode> _anchors = new(StringComparer.Ordinal);

        public ConfigNode Node()
        {
            var current = parser.Current!;
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            parser.MoveNext();
            switch (current)
            {
                case AnchorAlias alias:
                    return _anchors.TryGetValue(alias.Value.Value, out var anchored)
                        ? anchored
                        : throw new ConfigException([new ConfigError(file, line, column, $"invalid YAML: the alias *{alias.Value.Value} names no anchor defined before it")]);
                case Scalar scalar:
                    var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                    var text = !quoted && scalar.Value is "~" or "null" or "" ? null : scalar.Value;
                    return Remember(scalar, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Scalar, Value = text, Quoted = quoted });
                case SequenceStart sequence:
                    var items = new List<ConfigNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(Node());
                    }

                    return Remember(sequence, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence, Items = items });
                case MappingStart mapping:
                    return Remember(mapping, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = Entries() });
                default:
                    throw new ConfigException([new ConfigError(file, line, column, $"invalid YAML: unexpected {current.GetType().Name}")]);
            }
        }

        private List<KeyValuePair<ConfigNode, ConfigNode>> Entries()
        {
            var entries = new List<KeyValuePair<ConfigNode, ConfigNode>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var rawKey = parser.Current as Scalar;
                var key = Node();
                if (rawKey is not null && !keys.Add(rawKey.Value))
                {
                    throw new ConfigException([key.Error($"duplicate key '{rawKey.Value}'; each key may appear once in a mapping")]);
                }

                entries.Add(new(key, Node()));
            }

            return entries;
        }

        private ConfigNode Remember(NodeEvent parsed, ConfigNode node)
        {
            if (!parsed.Anchor.IsEmpty)
            {
                _anchors[parsed.Anchor.Value] = node;
            }

            return node;
        }
    }
}
