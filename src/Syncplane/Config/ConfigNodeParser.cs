using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Syncplane.Config;

/// <summary>Turns YAML text into <see cref="ConfigNode"/> trees that remember where each node was.</summary>
/// <remarks>
/// Reads the parser's events straight into <see cref="ConfigNode"/>s rather than loading YamlDotNet's
/// representation model first: with 100,000 targets that model (an ordered dictionary of node objects per
/// mapping) cost as much as the parsing itself. Aliases resolve to their anchored node; tags are ignored;
/// a key that repeats a scalar key of the same mapping is an error at the repeat.
/// Nesting is capped at <see cref="MaxDepth"/> (counting what aliases bring in), so hostile input is an
/// error at the node that goes too deep rather than a stack overflow. A file holds one document: a later
/// document is an error at its start, unless it is empty (a trailing <c>---</c>, or only comments).
/// </remarks>
internal static class ConfigNodeParser
{
    /// <summary>How many mappings and sequences may nest (a real config needs fewer than ten).</summary>
    public const int MaxDepth = 64;

    /// <summary>Reads <paramref name="yaml"/>: with <see cref="PlainYamlReader"/> when the text is in its subset, else with YamlDotNet.</summary>
    public static ConfigNode Parse(string yaml, string file) => PlainYamlReader.TryRead(yaml, file) ?? ParseWithYamlDotNet(yaml, file);

    /// <summary>Reads any YAML with YamlDotNet's parser; its errors are the ones a user sees.</summary>
    internal static ConfigNode ParseWithYamlDotNet(string yaml, string file)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw new ConfigException([new ConfigError(file, 1, 1, "the file is empty; expected a mapping with 'targets'")]);
            }

            var root = new EventReader(parser, file).Node(0, out _);
            parser.Consume<DocumentEnd>();
            while (parser.TryConsume<DocumentStart>(out var later))
            {
                if (!IsEmptyDocument(parser))
                {
                    throw new ConfigException([new ConfigError(file, (int)later.Start.Line, (int)later.Start.Column,
                        "a second YAML document starts here; a config file holds one document, so merge it into the first or remove it")]);
                }
            }

            parser.Consume<StreamEnd>();
            return root;
        }
        catch (YamlException ex)
        {
            var message = StripPosition(ex.InnerException?.Message ?? ex.Message);
            throw new ConfigException([new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"invalid YAML: {message}")]);
        }
    }

    /// <summary>Consumes a document that holds nothing (a plain empty scalar), or returns false leaving it.</summary>
    private static bool IsEmptyDocument(Parser parser)
    {
        if (parser.Current is not Scalar { Value: "", Style: ScalarStyle.Plain, Anchor.IsEmpty: true, Tag.IsEmpty: true })
        {
            return false;
        }

        parser.MoveNext();
        parser.Consume<DocumentEnd>();
        return true;
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
        private readonly Dictionary<string, (ConfigNode Node, int Height)> _anchors = new(StringComparer.Ordinal);

        /// <summary>The node at the current event, <paramref name="depth"/> collections deep.</summary>
        /// <param name="height">How many collections deep the node itself goes (0 for a scalar).</param>
        public ConfigNode Node(int depth, out int height)
        {
            var current = parser.Current!;
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            parser.MoveNext();
            switch (current)
            {
                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        throw new ConfigException([new ConfigError(file, line, column, $"invalid YAML: the alias *{alias.Value.Value} names no anchor defined before it")]);
                    }

                    CheckDepth(depth + anchored.Height, line, column);
                    height = anchored.Height;
                    return anchored.Node;
                case Scalar scalar:
                    var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                    var text = !quoted && scalar.Value is "~" or "null" or "" ? null : scalar.Value;
                    height = 0;
                    return Remember(scalar, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Scalar, Value = text, Quoted = quoted }, height);
                case SequenceStart sequence:
                    CheckDepth(depth + 1, line, column);
                    var items = new List<ConfigNode>();
                    var deepest = 0;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(Node(depth + 1, out var itemHeight));
                        deepest = Math.Max(deepest, itemHeight);
                    }

                    height = deepest + 1;
                    return Remember(sequence, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence, Items = items }, height);
                case MappingStart mapping:
                    CheckDepth(depth + 1, line, column);
                    var entries = Entries(depth + 1, out var entriesHeight);
                    height = entriesHeight + 1;
                    return Remember(mapping, new ConfigNode { File = file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = entries }, height);
                default:
                    throw new ConfigException([new ConfigError(file, line, column, $"invalid YAML: unexpected {current.GetType().Name}")]);
            }
        }

        private void CheckDepth(int depth, int line, int column)
        {
            if (depth > MaxDepth)
            {
                throw new ConfigException([new ConfigError(file, line, column, $"invalid YAML: mappings and lists nest deeper than {MaxDepth} levels here; a config needs only a few")]);
            }
        }

        private List<KeyValuePair<ConfigNode, ConfigNode>> Entries(int depth, out int height)
        {
            height = 0;
            var entries = new List<KeyValuePair<ConfigNode, ConfigNode>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var rawKey = parser.Current as Scalar;
                var key = Node(depth, out var keyHeight);
                if (rawKey is not null && !keys.Add(rawKey.Value))
                {
                    throw new ConfigException([key.Error($"duplicate key '{rawKey.Value}'; each key may appear once in a mapping")]);
                }

                entries.Add(new(key, Node(depth, out var valueHeight)));
                height = Math.Max(height, Math.Max(keyHeight, valueHeight));
            }

            return entries;
        }

        private ConfigNode Remember(NodeEvent parsed, ConfigNode node, int height)
        {
            if (!parsed.Anchor.IsEmpty)
            {
                _anchors[parsed.Anchor.Value] = (node, height);
            }

            return node;
        }
    }
}
