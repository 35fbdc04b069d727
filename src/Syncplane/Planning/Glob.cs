using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Syncplane.Planning;

/// <summary>
/// A path glob matched against whole '/'-separated keys: <c>*</c> and <c>?</c> stay within one segment,
/// <c>**</c> spans any number of segments (including none), <c>[abc]</c> / <c>[!a-z]</c> are classes and
/// <c>{a,b}</c> are alternatives. Matching is case-sensitive, like the file systems Syncplane runs on.
/// </summary>
public sealed class Glob
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("*?[]{},");

    // Built on first use: a pattern without wildcards (`syncplane run --target name`, the commonest excludes) never
    // needs them, and building a regex costs a short run more than the match (the engine's builder is JIT-compiled).
    private readonly string _regexText;
    private readonly string _normalized;
    private Regex? _regex;

    /// <summary>One regex per '/'-separated segment (null for '**'); null when braces make segments ambiguous.</summary>
    private Lazy<Regex?[]?>? _segments;

    /// <summary>
    /// For a pattern without wildcards ("name", "a/b"), or one that is "**/" and such a tail ("**/.git"): the text a
    /// key must equal or end with after a '/'. A walk asks every key, so these (the commonest excludes) skip the regex.
    /// </summary>
    private readonly string? _literal;
    private readonly bool _literalAtAnyDepth;

    private Glob(string pattern, string regexText, Regex? regex, string staticPrefix, string normalized)
    {
        Pattern = pattern;
        _regexText = regexText;
        _regex = regex;
        StaticPrefix = staticPrefix;
        _normalized = normalized;
        _literalAtAnyDepth = normalized.StartsWith("**/", StringComparison.Ordinal);
        var tail = _literalAtAnyDepth ? normalized[3..] : normalized;
        _literal = tail.Length > 0 && tail.IndexOfAny(['*', '?', '[', '{']) < 0 ? tail : null;
    }

    public string Pattern { get; }

    /// <summary>The leading segments without wildcards ("docs/api" for "docs/api/**/*.md"), or "".</summary>
    public string StaticPrefix { get; }

    public static Glob Parse(string pattern) =>
        TryParse(pattern, out var glob, out var why) ? glob : throw new ArgumentException($"invalid glob '{pattern}': {why}", nameof(pattern));

    public static bool TryParse(string pattern, [NotNullWhen(true)] out Glob? glob, [NotNullWhen(false)] out string? error)
    {
        glob = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "the pattern is empty";
            return false;
        }

        var normalized = pattern.StartsWith("./", StringComparison.Ordinal) ? pattern[2..] : pattern;
        if (normalized.StartsWith('/'))
        {
            error = "patterns are relative to the root; remove the leading '/'";
            return false;
        }

        if (!TryTranslate(normalized, out var regex, out error))
        {
            return false;
        }

        Regex? compiled = null;
        try
        {
            // No backtracking: with it, a pattern like '**/**/**/…/x' takes exponential time on a deep key.
            // Only what has a class or wildcard can be refused, so only that is built (to check it) now.
            if (normalized.AsSpan().IndexOfAny(Special) >= 0)
            {
                compiled = new Regex(regex, Options);
            }
        }
        catch (ArgumentException ex)
        {
            // A class the regex engine refuses, such as '[z-a]'; its message ends with the reason.
            var at = ex.Message.LastIndexOf(". ", ex.Message.Length - 2, StringComparison.Ordinal);
            error = at < 0 ? ex.Message : ex.Message[(at + 2)..].TrimEnd('.');
            return false;
        }

        glob = new Glob(pattern, regex, compiled, StaticPrefixOf(normalized), normalized);
        return true;
    }

    public bool IsMatch(string key)
    {
        if (_literal is null)
        {
            return (_regex ??= new Regex(_regexText, Options)).IsMatch(key);
        }

        return _literalAtAnyDepth
            ? key.EndsWith(_literal, StringComparison.Ordinal) && (key.Length == _literal.Length || key[key.Length - _literal.Length - 1] == '/')
            : string.Equals(key, _literal, StringComparison.Ordinal);
    }

    /// <summary>True when some key under directory <paramref name="directoryKey"/> could match (used to prune walks).</summary>
    public bool CouldMatchUnder(string directoryKey)
    {
        _segments ??= new Lazy<Regex?[]?>(() => SegmentsOf(_normalized), LazyThreadSafetyMode.PublicationOnly);
        if (_segments.Value is not { } segments)
        {
            return StaticPrefix.Length == 0
                || directoryKey.StartsWith(StaticPrefix + "/", StringComparison.Ordinal)
                || directoryKey == StaticPrefix
                || StaticPrefix.StartsWith(directoryKey + "/", StringComparison.Ordinal);
        }

        var parts = directoryKey.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i >= segments.Length)
            {
                return false;
            }

            if (segments[i] is not { } segment)
            {
                return true; // '**' can match anything from here down
            }

            if (!segment.IsMatch(parts[i]))
            {
                return false;
            }
        }

        return parts.Length < segments.Length;
    }

    public override string ToString() => Pattern;

    private static Regex?[]? SegmentsOf(string pattern)
    {
        if (pattern.Contains('{', StringComparison.Ordinal))
        {
            return null;
        }

        return pattern.Split('/')
            .Select(segment => segment == "**" ? null
                : TryTranslate(segment, out var regex, out _) ? new Regex(regex, Options) : null)
            .ToArray();
    }

    private static string StaticPrefixOf(string pattern)
    {
        var segments = pattern.Split('/');
        var fixedSegments = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[', '{']) < 0).ToList();
        if (fixedSegments.Count == segments.Length)
        {
            fixedSegments.RemoveAt(fixedSegments.Count - 1); // the last segment names the item itself
        }

        return string.Join('/', fixedSegments);
    }

    private static bool TryTranslate(string pattern, [NotNullWhen(true)] out string? regex, [NotNullWhen(false)] out string? error)
    {
        var sb = new StringBuilder("^");
        var braceDepth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    var atSegmentStart = i == 0 || pattern[i - 1] == '/';
                    var atSegmentEnd = i + 2 == pattern.Length || pattern[i + 2] == '/';
                    if (!atSegmentStart || !atSegmentEnd)
                    {
                        regex = null;
                        error = "'**' must be a whole path segment, as in 'docs/**' or '**/*.md'";
                        return false;
                    }

                    if (i + 2 == pattern.Length)
                    {
                        sb.Append(".*");
                        i += 1;
                    }
                    else
                    {
                        sb.Append("(?:.*/)?");
                        i += 2; // also consume the '/'
                    }

                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    // Searching from i + 2 lets ']' be the first member ("[]a]"); past the end there is no ']' at all ("a[").
                    var close = i + 2 <= pattern.Length ? pattern.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                    {
                        regex = null;
                        error = $"'[' at position {i + 1} has no closing ']'";
                        return false;
                    }

                    var body = pattern[(i + 1)..close];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate)
                    {
                        body = body[1..];
                    }

                    sb.Append('[').Append(negate ? "^/" : "").Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '{':
                    braceDepth++;
                    sb.Append("(?:");
                    break;
                case '}':
                    if (braceDepth == 0)
                    {
                        regex = null;
                        error = $"'}}' at position {i + 1} has no opening '{{'";
                        return false;
                    }

                    braceDepth--;
                    sb.Append(')');
                    break;
                case ',' when braceDepth > 0:
                    sb.Append('|');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (braceDepth != 0)
        {
            regex = null;
            error = "'{' has no closing '}'";
            return false;
        }

        sb.Append('$');
        regex = sb.ToString();
        error = null;
        return true;
    }
}
