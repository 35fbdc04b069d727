using System.Globalization;
using System.Text.Json.Nodes;
using Syncplane.Checks;
using Syncplane.Config;

namespace Syncplane.Cli;

/// <summary>The text report of <c>syncplane check</c>: one section per heading, a summary, plain ASCII markers.</summary>
internal static class CheckReport
{
    private static readonly string Rule = new('=', 64);
    private static readonly string Thin = new('-', 64);

    /// <param name="output">Where the report goes.</param>
    /// <param name="results">The checks that ran.</param>
    /// <param name="config">The config, for sections.</param>
    /// <param name="timestamp">When they ran.</param>
    /// <param name="statusFile">Where the status document was written.</param>
    /// <param name="document">The status document, which may cover more checks than ran.</param>
    public static void Write(TextWriter output, IReadOnlyList<CheckResult> results, SyncplaneConfig config, DateTimeOffset timestamp, string statusFile, JsonObject document)
    {
        output.WriteLine(Rule);
        output.WriteLine($"  SYNCPLANE CHECKS - {results.Count} check(s) from {config.File}");
        output.WriteLine(Rule);
        var sections = results.GroupBy(r => CheckStatusDocument.SectionOf(r, config.Checks)).ToList();
        for (var i = 0; i < sections.Count; i++)
        {
            output.WriteLine();
            output.WriteLine($"[{i + 1}/{sections.Count}: {sections[i].Key}]");
            output.WriteLine(Thin);
            foreach (var result in sections[i])
            {
                output.WriteLine($"  {Marker(result.Status)} {result.Name}: {result.Message} ({result.LatencyMs} ms)");
                foreach (var (key, value) in result.Details.Where(d => d.Key != "state"))
                {
                    output.WriteLine($"         {key}: {value.ReplaceLineEndings(" | ")}");
                }
            }
        }

        output.WriteLine();
        output.WriteLine(Rule);
        output.WriteLine("  CHECK SUMMARY");
        output.WriteLine(Rule);
        var width = results.Max(r => r.Name.Length) + 1;
        foreach (var result in results)
        {
            var state = result.Details.TryGetValue("state", out var s) ? $"  ({s})" : "";
            output.WriteLine($"{(result.Name + ":").PadRight(width)}  {result.Status.ToText()}{state}");
        }

        var overall = CheckStatusText.Worst(results.Select(r => r.Status));
        output.WriteLine();
        output.WriteLine($"Overall: {overall.ToText().ToUpperInvariant()} ({Count(results, CheckStatus.Healthy)} healthy, {Count(results, CheckStatus.Degraded)} degraded, {Count(results, CheckStatus.Down)} down, {Count(results, CheckStatus.Unknown)} unknown)");
        output.WriteLine($"Checked at {timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        output.WriteLine($"Status saved to: {statusFile}");
        if (document["checks"]!.AsObject().Count is var all && all > results.Count)
        {
            output.WriteLine($"Overall in the status file, with the last results of the {all - results.Count} check(s) not run now: {document["overall"]!.GetValue<string>().ToUpperInvariant()}");
        }
    }

    /// <summary>A fixed-width marker that reads without colour or emoji.</summary>
    public static string Marker(CheckStatus status) => status switch
    {
        CheckStatus.Healthy => "[ OK ]",
        CheckStatus.Degraded => "[WARN]",
        CheckStatus.Down => "[DOWN]",
        _ => "[ ?? ]",
    };

    private static int Count(IReadOnlyList<CheckResult> results, CheckStatus status) => results.Count(r => r.Status == status);
}
