using System.Buffers;

namespace Syncplane.Config;

/// <summary>
/// Reads the plain subset of YAML that config files are written in straight into <see cref="ConfigNode"/>s, or
/// gives up (returns null) so that <see cref="ConfigNodeParser"/> reads the file with YamlDotNet instead.
/// </summary>
/// <remarks>
/// YamlDotNet's scanner looks at each character several times and allocates a token and an event per node: at
/// 100,000 targets it was half of the load's CPU. This reader takes one pass over the text and accepts only
/// what it is sure of: block mappings and lists, one-line flow mappings and lists, plain scalars on one line,
/// single-quoted and double-quoted scalars without escapes, and comments. Anything else (anchors, aliases, tags,
/// block scalars, multi-line scalars, escapes, tabs, documents, complex or quoted keys, duplicate keys, and
/// every kind of invalid YAML) makes it give up, so YAML it cannot read gets YamlDotNet's reading and errors.
/// Nodes carry the same positions as YamlDotNet's events (1-based line and column of a node's first character).
/// Repeated short strings (keys, common values) are shared between nodes, not held once per target.
/// </remarks>
internal sealed class PlainYamlReader
{
    // Characters that send a file to YamlDotNet wherever they occur: tabs, carriage returns, other control
    // characters, a byte order mark and the line breaks YAML 1.1 knows besides '\n'.
    private static readonly SearchValues<char> Unsupported = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\v\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f" +
        "\u007f\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f\u2028\u2029\ufeff\ufffe\uffff");

    private const int MaxSharedLength = 48;

    private readonly string _text;
    private readonly string _file;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _shared;
    private readonly List<List<KeyValuePair<ConfigNode, ConfigNode>>> _entryLists = [];
    private readonly List<List<ConfigNode>> _itemLists = [];

    private int _pos;        // the next character to read
    private int _line;       // 1-based number of the current line
    private int _lineStart;  // index of the current line's first character
    private int _lineEnd;    // index of the current line's '\n' (or the end of the text)
    private int _indent;     // column (0-based) of the current line's first non-space character, or of a compact mapping's first key
    private bool _atEnd;

    private PlainYamlReader(string text, string file)
    {
        _text = text;
        _file = file;
        _shared = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The file's root mapping, or null when the text is not in the subset this reader is sure of.</summary>
    public static ConfigNode? TryRead(string text, string file)
    {
        if (text.AsSpan().ContainsAny(Unsupported))
        {
            return null;
        }

        var reader = new PlainYamlReader(text, file);
        try
        {
            reader._lineEnd = -1;
            reader.NextContentLine();
            if (reader._atEnd || reader.AtSequenceEntry())
            {
                return null;
            }

            var root = reader.Mapping(reader._indent, 1);
            return reader._atEnd ? root : null;
        }
        catch (GiveUp)
        {
            return null;
        }
    }

    private int Column => _pos - _lineStart + 1;

    private char Current => _pos < _lineEnd ? _text[_pos] : '\n';

    private char Next => _pos + 1 < _lineEnd ? _text[_pos + 1] : '\n';

    /// <summary>Moves to the first non-space character of the next line holding more than spaces and a comment.</summary>
    private void NextContentLine()
    {
        while (_lineEnd < _text.Length)
        {
            _line++;
            _lineStart = _lineEnd + 1;
            var end = _text.IndexOf('\n', _lineStart);
            _lineEnd = end < 0 ? _text.Length : end;
            _pos = _lineStart;
            while (_pos < _lineEnd && _text[_pos] == ' ')
            {
                _pos++;
            }

            if (_pos < _lineEnd && _text[_pos] != '#')
            {
                _indent = _pos - _lineStart;
                return;
            }
        }

        _atEnd = true;
        _indent = -1;
    }

    private bool AtSequenceEntry() => Current == '-' && Next is ' ' or '\n';

    /// <summary>A block mapping whose keys start at column <paramref name="indent"/>; the current position is its first key.</summary>
    private ConfigNode Mapping(int indent, int depth)
    {
        CheckDepth(depth);
        var line = _line;
        var column = Column;
        var entries = Rent(_entryLists, depth);
        HashSet<string>? keys = null;
        while (true)
        {
            var key = Key() ?? throw new GiveUp();
            Add(entries, ref keys, key, BlockValue(indent, depth));
            if (_atEnd || _indent < indent)
            {
                break;
            }

            if (_indent > indent)
            {
                throw new GiveUp();
            }
        }

        return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = entries.ToArray() };
    }

    /// <summary>A block list whose dashes stand at column <paramref name="indent"/>; the current position is its first dash.</summary>
    private ConfigNode Sequence(int indent, int depth)
    {
        CheckDepth(depth);
        var line = _line;
        var column = Column;
        var items = Rent(_itemLists, depth);
        while (true)
        {
            _pos++; // the dash
            SkipSpaces();
            if (Current is '\n' or '#')
            {
                throw new GiveUp(); // an entry whose content starts on the next line
            }

            if (Current == '-')
            {
                throw new GiveUp(); // a list nested on the same line
            }

            var keyStart = _pos;
            if (Key() is not null)
            {
                // A compact mapping ("- name: x" and the keys below it, aligned with "name").
                _pos = keyStart;
                _indent = _pos - _lineStart;
                items.Add(Mapping(_indent, depth + 1));
            }
            else
            {
                _pos = keyStart;
                items.Add(InlineValue(depth + 1));
                EndOfLine();
                NextContentLine();
            }

            if (_atEnd || _indent < indent)
            {
                break;
            }

            if (_indent > indent || !AtSequenceEntry())
            {
                if (_indent == indent)
                {
                    break; // a list that is the value of a key at the same column ("key:" then "- item" lines)
                }

                throw new GiveUp();
            }
        }

        return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence, Items = items.ToArray() };
    }

    /// <summary>The value after "key:" in a mapping at <paramref name="indent"/>; leaves the position at the next content line.</summary>
    private ConfigNode BlockValue(int indent, int depth)
    {
        SkipSpaces();
        if (Current is not ('\n' or '#'))
        {
            var value = InlineValue(depth + 1);
            EndOfLine();
            NextContentLine();
            return value;
        }

        if (Current == '#' && _text[_pos - 1] != ' ')
        {
            throw new GiveUp();
        }

        NextContentLine();
        if (_atEnd || _indent < indent)
        {
            throw new GiveUp(); // an empty value: YamlDotNet places its null where this reader would not
        }

        if (AtSequenceEntry())
        {
            return Sequence(_indent, depth + 1);
        }

        if (_indent == indent)
        {
            throw new GiveUp();
        }

        return Mapping(_indent, depth + 1);
    }

    /// <summary>A plain key followed by ": " or ":" at the end of the line, with the position after the colon; else null (position unspecified).</summary>
    private ConfigNode? Key()
    {
        var start = _pos;
        if (!IsKeyStart(Current))
        {
            return null;
        }

        while (IsKeyCharacter(Current))
        {
            _pos++;
        }

        if (Current != ':' || Next is not (' ' or '\n'))
        {
            return null;
        }

        var key = Scalar(start, _pos, quoted: false);
        _pos++; // the colon
        return key;
    }

    /// <summary>A scalar or flow collection that starts at the current position and ends on this line.</summary>
    private ConfigNode InlineValue(int depth) => Current switch
    {
        '{' => FlowMapping(depth),
        '[' => FlowSequence(depth),
        '"' or '\'' => Quoted(),
        _ => PlainInBlock(),
    };

    private ConfigNode PlainInBlock()
    {
        var start = _pos;
        if (!IsPlainStart(Current, Next))
        {
            throw new GiveUp();
        }

        var end = start;
        while (_pos < _lineEnd)
        {
            var c = _text[_pos];
            if (c == '#' && _text[_pos - 1] == ' ')
            {
                break;
            }

            if (c == ':' && Next is ' ' or '\n')
            {
                throw new GiveUp(); // "a: b: c" or "value:" is a mapping or an error
            }

            _pos++;
            if (c != ' ')
            {
                end = _pos;
            }
        }

        _pos = end;
        return Scalar(start, end, quoted: false);
    }

    private ConfigNode PlainInFlow()
    {
        var start = _pos;
        if (!IsPlainStart(Current, Next))
        {
            throw new GiveUp();
        }

        var end = start;
        while (Current is not (',' or '}' or ']' or '\n'))
        {
            var c = Current;
            if (c is ':' or '#' or '[' or '{' or '"' or '\'')
            {
                throw new GiveUp();
            }

            _pos++;
            if (c != ' ')
            {
                end = _pos;
            }
        }

        _pos = end;
        return Scalar(start, end, quoted: false);
    }

    private ConfigNode Quoted()
    {
        var line = _line;
        var column = Column;
        var quote = Current;
        var start = ++_pos;
        var doubled = false;
        while (true)
        {
            var c = Current;
            if (c == '\n' || (c == '\\' && quote == '"'))
            {
                throw new GiveUp(); // a scalar over several lines, or an escape
            }

            if (c == quote)
            {
                if (quote == '\'' && Next == '\'')
                {
                    doubled = true;
                    _pos += 2;
                    continue;
                }

                break;
            }

            _pos++;
        }

        var text = doubled ? _text[start.._pos].Replace("''", "'", StringComparison.Ordinal) : Share(start, _pos);
        _pos++; // the closing quote
        return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Scalar, Value = text, Quoted = true };
    }

    private ConfigNode FlowMapping(int depth)
    {
        CheckDepth(depth);
        var line = _line;
        var column = Column;
        var entries = Rent(_entryLists, depth);
        _pos++; // {
        SkipSpaces();
        if (Current == '}')
        {
            _pos++;
            return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = [] };
        }

        HashSet<string>? keys = null;
        while (true)
        {
            var key = Key() ?? throw new GiveUp();
            SkipSpaces();
            Add(entries, ref keys, key, FlowValue(depth + 1));
            SkipSpaces();
            if (Current == ',')
            {
                _pos++;
                SkipSpaces();
                continue;
            }

            if (Current != '}')
            {
                throw new GiveUp();
            }

            _pos++;
            return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Mapping, Entries = entries.ToArray() };
        }
    }

    private ConfigNode FlowSequence(int depth)
    {
        CheckDepth(depth);
        var line = _line;
        var column = Column;
        var items = Rent(_itemLists, depth);
        _pos++; // [
        SkipSpaces();
        if (Current == ']')
        {
            _pos++;
            return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence, Items = [] };
        }

        while (true)
        {
            items.Add(FlowValue(depth + 1));
            SkipSpaces();
            if (Current == ',')
            {
                _pos++;
                SkipSpaces();
                continue;
            }

            if (Current != ']')
            {
                throw new GiveUp();
            }

            _pos++;
            return new ConfigNode { File = _file, Line = line, Column = column, Kind = ConfigNodeKind.Sequence, Items = items.ToArray() };
        }
    }

    private ConfigNode FlowValue(int depth) => Current switch
    {
        '{' => FlowMapping(depth),
        '[' => FlowSequence(depth),
        '"' or '\'' => Quoted(),
        _ => PlainInFlow(),
    };

    /// <summary>After a value: spaces, then the end of the line or a comment.</summary>
    private void EndOfLine()
    {
        var before = _pos;
        SkipSpaces();
        if (Current == '\n' || (Current == '#' && _pos > before))
        {
            return;
        }

        throw new GiveUp();
    }

    private void SkipSpaces()
    {
        while (_pos < _lineEnd && _text[_pos] == ' ')
        {
            _pos++;
        }
    }

    private ConfigNode Scalar(int start, int end, bool quoted)
    {
        var span = _text.AsSpan(start, end - start);
        var value = !quoted && span is "~" or "null" ? null : Share(start, end);
        return new ConfigNode { File = _file, Line = _line, Column = start - _lineStart + 1, Kind = ConfigNodeKind.Scalar, Value = value, Quoted = quoted };
    }

    private string Share(int start, int end)
    {
        var span = _text.AsSpan(start, end - start);
        if (span.Length > MaxSharedLength)
        {
            return span.ToString();
        }

        if (!_shared.TryGetValue(span, out var text))
        {
            text = span.ToString();
            _strings[text] = text;
        }

        return text;
    }

    /// <summary>Adds an entry; a duplicate key (or a null one) gives up, so YamlDotNet's path names it.</summary>
    /// <param name="keys">The keys so far, once the mapping is large enough that a linear search would be slow.</param>
    private static void Add(List<KeyValuePair<ConfigNode, ConfigNode>> entries, ref HashSet<string>? keys, ConfigNode key, ConfigNode value)
    {
        var name = key.Value ?? throw new GiveUp();
        if (keys is not null)
        {
            if (!keys.Add(name))
            {
                throw new GiveUp();
            }
        }
        else
        {
            foreach (var entry in entries)
            {
                if (entry.Key.Value == name)
                {
                    throw new GiveUp();
                }
            }

            if (entries.Count == 8)
            {
                keys = new HashSet<string>(entries.Select(e => e.Key.Value!), StringComparer.Ordinal) { name };
            }
        }

        entries.Add(new(key, value));
    }

    private static List<T> Rent<T>(List<List<T>> lists, int depth)
    {
        while (lists.Count <= depth)
        {
            lists.Add([]);
        }

        var list = lists[depth];
        list.Clear();
        return list;
    }

    private static void CheckDepth(int depth)
    {
        if (depth > ConfigNodeParser.MaxDepth)
        {
            throw new GiveUp();
        }
    }

    private static bool IsKeyStart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsKeyCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/';

    // A plain scalar may not start with an indicator; "-" may start one when a non-space follows ("-5").
    private static bool IsPlainStart(char c, char next) => c switch
    {
        '-' => next is not (' ' or '\n'),
        '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ' or '\n' => false,
        _ => true,
    };

    /// <summary>The text leaves the subset this reader is sure of.</summary>
    private sealed class GiveUp : Exception;
}
