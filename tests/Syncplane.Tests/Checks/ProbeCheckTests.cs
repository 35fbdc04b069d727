using System.Net;
using System.Net.Sockets;
using Syncplane.Checks;

namespace Syncplane.Tests.Checks;

/// <summary>The tcp, dns and command checks against real sockets, the real resolver and real processes.</summary>
public sealed class ProbeCheckTests
{
    [Fact]
    public async Task Tcp_ListeningPort_IsHealthy_ClosedPort_IsDown()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var healthy = await CheckTestBed.RunAsync($"  db: {{ tcp: \"127.0.0.1:{open}\" }}\n");
        listener.Stop();

        var down = await CheckTestBed.RunAsync($"  db: {{ tcp: \"127.0.0.1:{open}\" }}\n");

        Assert.Equal(CheckStatus.Healthy, healthy.Status);
        Assert.Equal(CheckStatus.Down, down.Status);
        Assert.Contains($"cannot connect to 127.0.0.1:{open}", down.Message, StringComparison.Ordinal);
        Assert.Equal("ConnectionRefused", down.Details["error"]);
    }

    [Fact]
    public async Task Dns_Localhost_ResolvesAndListsItsAddresses()
    {
        var result = await CheckTestBed.RunAsync("  local: { dns: localhost, expect: [127.0.0.1] }\n");

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Contains("127.0.0.1", result.Details["addresses"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns_WithoutTheExpectedAddress_IsDown()
    {
        var result = await CheckTestBed.RunAsync("  local: { dns: localhost, expect: [127.0.0.1, 192.0.2.7] }\n");

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Equal("192.0.2.7", result.Details["missing"]);
    }

    [Fact]
    public async Task Command_ExitCodeAndOutputPatternDecide()
    {
        var ok = await CheckTestBed.RunAsync("  gh: { command: \"echo 'Logged in to github.com as octo'\", output_pattern: \"Logged in to \\\\S+\" }\n");
        var noMatch = await CheckTestBed.RunAsync("  gh: { command: \"echo 'You are not logged in'\", output_pattern: \"Logged in to\" }\n");
        var exit = await CheckTestBed.RunAsync("  gh: { command: \"echo nope >&2; exit 4\" }\n");
        var expected = await CheckTestBed.RunAsync("  gh: { command: { run: \"exit 4\", expected_exit_code: 4 } }\n");

        Assert.Equal(CheckStatus.Healthy, ok.Status);
        Assert.Equal("Logged in to github.com", ok.Details["match"]);
        Assert.Equal(CheckStatus.Down, noMatch.Status);
        Assert.Equal(CheckStatus.Down, exit.Status);
        Assert.Equal("'echo nope >&2; exit 4' exited with 4, expected 0: nope", exit.Message);
        Assert.Equal(CheckStatus.Healthy, expected.Status);
    }

    [Fact]
    public async Task Command_PastItsTimeout_IsKilledWithItsChildren()
    {
        using var directory = new Support.TempDirectory();
        var marker = directory["child-survived"];

        var result = await CheckTestBed.RunAsync($"  slow: {{ command: \"(sleep 2; touch {marker}) & sleep 30\", timeout: 500ms }}\n", directory.Path);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.InRange(result.LatencyMs, 400, 5000);
        Assert.False(File.Exists(marker), "the command's child process outlived the check's timeout");
    }
}
