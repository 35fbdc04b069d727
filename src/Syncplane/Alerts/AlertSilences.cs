using Syncplane.Planning;

namespace Syncplane.Alerts;

/// <summary>How a silence's matchers select alerts: <c>rule</c>, <c>target</c> and <c>check</c>, each a glob; all given must match.</summary>
public static class AlertSilences
{
    /// <summary>The matcher names a silence may use.</summary>
    public static readonly IReadOnlyList<string> MatcherNames = ["rule", "target", "check"];

    /// <summary>A problem with <paramref name="matchers"/>, or null when they are usable.</summary>
    public static string? Validate(IReadOnlyDictionary<string, string> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        if (matchers.Count == 0)
        {
            return "a silence needs at least one matcher: rule, target or check (globs such as \"lz-*\")";
        }

        foreach (var (name, pattern) in matchers)
        {
            if (!MatcherNames.Contains(name))
            {
                return $"unknown matcher '{name}'; expected rule, target or check";
            }

            if (!Glob.TryParse(pattern, out _, out var why))
            {
                return $"matcher {name}: invalid glob '{pattern}': {why}";
            }
        }

        return matchers.ContainsKey("target") && matchers.ContainsKey("check") ? "a silence matches targets or checks, not both" : null;
    }

    /// <summary>True when <paramref name="silence"/> covers <paramref name="rule"/> on the <paramref name="kind"/> named <paramref name="subject"/>.</summary>
    public static bool Matches(AlertSilence silence, string rule, string kind, string subject)
    {
        ArgumentNullException.ThrowIfNull(silence);
        foreach (var (name, pattern) in silence.Matchers)
        {
            var value = name == "rule" ? rule : name == kind ? subject : null;
            if (value is null || !Glob.TryParse(pattern, out var glob, out _) || !glob.IsMatch(value))
            {
                return false;
            }
        }

        return true;
    }
}
