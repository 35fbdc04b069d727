namespace Syncplane.Tests.Support;

/// <summary>The projects alpha and bravo, for tests that check one project sees nothing of the other.</summary>
internal static class TwoProjects
{
    /// <summary>
    /// A config of <paramref name="targets"/> (a <c>targets:</c> block naming alpha-* and bravo-* targets) with a down
    /// check per project, an alert on any failure, and the projects alpha and bravo owning their targets and check.
    /// </summary>
    public static string Config(string targets) => targets + "\n" + """
        checks:
          alpha-probe: { tcp: "127.0.0.1:9" }
          bravo-probe: { tcp: "127.0.0.1:9" }
        notifiers:
          hook: { webhook: "http://127.0.0.1:9/hook", on: [succeeded] }
        alerts:
          failing: { when: "consecutive_failures >= 1", notify: [hook] }
        projects:
          alpha: { targets: ["alpha-*"], checks: [alpha-probe] }
          bravo: { targets: ["bravo-*"], checks: [bravo-probe] }
        """;
}
