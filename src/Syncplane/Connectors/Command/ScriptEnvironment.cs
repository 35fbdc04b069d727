using System.Collections;
using Syncplane.Planning;

namespace Syncplane.Connectors.Command;

/// <summary>
/// What an entrypoint inherits from Syncplane's own environment: only a small baseline that programs need to
/// run (<see cref="Baseline"/>), as CI systems do. Everything else — the store's connection string, cloud
/// credentials, a secret another target references — reaches a script only when its target declares it in
/// <c>env</c>.
/// </summary>
internal static class ScriptEnvironment
{
    /// <summary>The variables passed on when set, besides every <c>LC_*</c> locale variable.</summary>
    public static readonly IReadOnlySet<string> Baseline = new HashSet<string>(StringComparer.Ordinal)
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR",
    };

    /// <summary>True when an inherited variable named <paramref name="name"/> is passed on without being asked for.</summary>
    public static bool Inherits(string name) => Baseline.Contains(name) || name.StartsWith("LC_", StringComparison.Ordinal);

    /// <summary>
    /// Changes to the inherited environment that remove every variable outside the baseline and the target's
    /// <c>pass_env</c> names (null removes).
    /// </summary>
    public static Dictionary<string, string?> Start(IDictionary inherited, IReadOnlyList<Glob> passed)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in inherited.Keys)
        {
            if (!Inherits(name) && !passed.Any(glob => glob.IsMatch(name)))
            {
                environment[name] = null;
            }
        }

        return environment;
    }
}
