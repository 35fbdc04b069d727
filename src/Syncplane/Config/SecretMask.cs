using System.Buffers;
using System.Text;

namespace Syncplane.Config;

/// <summary>
/// The secret values to hide and the hiding itself: every occurrence of a known piece of text is replaced by
/// <see cref="Replacement"/>. Adding is rare (at load, and when a rotated secret file is read); masking is
/// frequent (every log line), so it reads an immutable snapshot without taking a lock.
/// </summary>
/// <remarks>
/// A value is known as a whole, trimmed of surrounding white space, with its line endings as <c>\n</c>,
/// and — when it spans lines — line by line (each line as written, without a trailing <c>\r</c>, and trimmed),
/// because programs print a multi-line secret such as a PEM key one line at a time. A value or line shorter
/// than <see cref="MinimumLength"/> characters is not masked: hiding every "1" or "yes" would mangle all
/// output while hiding nothing worth the name. Overlapping and nested occurrences are masked as one.
/// </remarks>
internal sealed class SecretMask
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Replacement = "***";

    /// <summary>Values and lines shorter than this (in UTF-16 characters) are not masked: 4.</summary>
    public const int MinimumLength = 4;

    private static readonly string[] LineBreaks = ["\r\n", "\n", "\r"];

    private readonly HashSet<string> _pieces = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;

    /// <summary>Learns <paramref name="value"/> and its pieces; cheap when it is already known.</summary>
    public void Add(string value)
    {
        lock (_gate)
        {
            var added = false;
            foreach (var piece in Pieces(value))
            {
                added |= _pieces.Add(piece);
            }

            if (added)
            {
                _snapshot = new Snapshot(_pieces);
            }
        }
    }

    /// <summary><paramref name="text"/> with every known piece replaced by <see cref="Replacement"/>.</summary>
    public string Apply(string text)
    {
        var snapshot = _snapshot;
        if (snapshot is null || text.Length < MinimumLength)
        {
            return text;
        }

        var span = text.AsSpan();
        var at = span.IndexOfAny(snapshot.Search);
        if (at < 0)
        {
            return text;
        }

        var masked = new StringBuilder(text.Length);
        var copied = 0;
        var (start, end) = (at, at);
        while (at >= 0)
        {
            var longest = snapshot.LongestAt(span[at..]);
            if (at > end)
            {
                masked.Append(span[copied..start]).Append(Replacement);
                copied = end;
                start = at;
            }

            end = Math.Max(end, at + longest);
            var next = span[(at + 1)..].IndexOfAny(snapshot.Search);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return masked.Append(span[copied..start]).Append(Replacement).Append(span[end..]).ToString();
    }

    private static IEnumerable<string> Pieces(string value)
    {
        IEnumerable<string> pieces = [value, value.Trim(), value.ReplaceLineEndings("\n")];
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            pieces = pieces.Concat(value.Split(LineBreaks, StringSplitOptions.None).SelectMany(line => new[] { line, line.Trim() }));
        }

        return pieces.Where(p => p.Length >= MinimumLength);
    }

    /// <summary>The pieces at one moment: a multi-string search, and the pieces by first character to measure a match.</summary>
    private sealed class Snapshot
    {
        private readonly Dictionary<char, string[]> _byFirst;

        public Snapshot(IEnumerable<string> pieces)
        {
            var all = pieces.ToArray();
            Search = SearchValues.Create(all, StringComparison.Ordinal);
            _byFirst = all.GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Length).ToArray());
        }

        public SearchValues<string> Search { get; }

        /// <summary>The length of the longest piece <paramref name="text"/> starts with (the search found at least one).</summary>
        public int LongestAt(ReadOnlySpan<char> text)
        {
            foreach (var piece in _byFirst[text[0]])
            {
                if (text.StartsWith(piece, StringComparison.Ordinal))
                {
                    return piece.Length;
                }
            }

            return 0;
        }
    }
}
