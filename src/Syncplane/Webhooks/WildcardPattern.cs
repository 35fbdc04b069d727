using System.Text.RegularExpressions;

namespace Syncplane.Webhooks;

/// <summary>Text where <c>*</c> stands for any characters (including '/'); without a <c>*</c> it is an exact comparison.</summary>
internal sealed class WildcardPattern
{
    private readonly string _text;
    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    public WildcardPattern(string text, bool ignoreCase)
    {
        _text = text;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (text.Contains('*', StringComparison.Ordinal))
        {
            var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            _regex = new Regex("^" + string.Join(".*", text.Split('*').Select(Regex.Escape)) + "$", options, TimeSpan.FromSeconds(1));
        }
    }

    public bool HasWildcard => _regex is not null;

    public bool IsMatch(string? value) => value is not null && (_regex?.IsMatch(value) ?? string.Equals(_text, value, _comparison));
}
