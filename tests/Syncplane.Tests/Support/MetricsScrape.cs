namespace Syncplane.Tests.Support;

/// <summary>Scrapes <c>/metrics</c>, whose numbers follow the store within moments of a run event (an in-memory snapshot).</summary>
internal static class MetricsScrape
{
    /// <summary>The scrape text once it contains every one of <paramref name="lines"/>; the last scrape fails the test after 30 s.</summary>
    public static async Task<string> UntilContainsAsync(HttpClient client, params string[] lines)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var text = await client.GetStringAsync("/metrics");
            if (lines.All(l => text.Contains(l, StringComparison.Ordinal)) || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                foreach (var line in lines)
                {
                    Assert.Contains(line, text, StringComparison.Ordinal);
                }

                return text;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A sample line's start: the name and its labels as the exporter writes them (scope label first, then sorted).</summary>
    public static string Sample(string name, params (string Name, string Value)[] labels) =>
        $"{name}{{otel_scope_name=\"Syncplane\"{string.Concat(labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $",{l.Name}=\"{l.Value}\""))}}} ";
}
