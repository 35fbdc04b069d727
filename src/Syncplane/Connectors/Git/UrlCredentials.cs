using System.Text.RegularExpressions;
using Syncplane.Engine;

namespace Syncplane.Connectors.Git;

/// <summary>
/// Masks the user-info part of URLs (<c>https://x-access-token:TOKEN@host</c>, <c>https://TOKEN@host</c>) in
/// what git prints: a remote configured in a work tree's <c>.git/config</c> can carry a token that Syncplane never
/// resolved, so the run log's redaction of resolved secrets does not know it.
/// </summary>
internal static partial class UrlCredentials
{
    /// <summary><paramref name="text"/> with every URL's user info replaced by <c>***</c>.</summary>
    public static string Mask(string text) => UserInfo().Replace(text, "***");

    /// <summary>A log that masks URL user info before writing to <paramref name="inner"/>.</summary>
    public static IRunLog Masking(IRunLog inner) => inner as MaskingLog ?? new MaskingLog(inner);

    [GeneratedRegex(@"(?<=\b[a-z][a-z0-9+.-]*://)[^/@\s'""]+(?=@)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    private sealed class MaskingLog(IRunLog inner) : IRunLog
    {
        public void Write(LogLevel level, string message) => inner.Write(level, Mask(message));
    }
}
