using System.Diagnostics;
using System.Text;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task TwoHundredChecksWithOneSecondTimeouts_RunConcurrently()
    {
        await using var silent = new LoopbackHttpServer(() => null);
        var yaml = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            yaml.Append($"  api-{i}: {{ http: \"{silent.Url}\", timeout: 1s }}\n");
        }

        var checks = CheckTestBed.Bind(yaml.ToString()).Items;
        var runner = new CheckRunner(TimeProvider.System, new SecretResolver("/work/cfg"));
        var clock = Stopwatch.StartNew();

        var results = await runner.RunAsync(checks, CancellationToken.None);

        // Serially this is 200 s; 64 at a time it is about 4 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(checks.Select(c => c.Name), results.Select(r => r.Name));
        Assert.All(results, r => Assert.Equal("timed out after 1s", r.Message));
    }
}
