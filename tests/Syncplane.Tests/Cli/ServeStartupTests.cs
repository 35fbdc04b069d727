using System.Diagnostics;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>What a real <c>syncplane serve</c> does at start, besides listening and scheduling.</summary>
public sealed class ServeStartupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_WritesNoDataProtectionKeyRingUnderTheUsersHome()
    {
        _dir.Write("work/syncplane.yaml", """
            targets:
              docs: { entrypoint: "true", schedule: every 1h }
            """);
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share") };

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Combine("work"), environment, "serve", "--urls", "http://127.0.0.1:0"))!;
        var output = new ProcessOutput(serve, "serve");
        try
        {
            await output.WaitUntilAsync(() => output.Text.Contains("scheduler: active", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await output.WaitUntilAsync(() => output.Text.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }

        // ASP.NET Core's data protection made a key ring at every start (~/.aspnet/DataProtection-Keys/key-*.xml), though nothing uses it.
        Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Serve_OnAnAddressInUse_ExitsTwoAndFiresNothing()
    {
        _dir.Write("syncplane.yaml", """
            targets:
              due: { entrypoint: "touch ran", schedule: every 1h }
            """);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        // The target is due at once (it never ran), and the scheduler plans beside the server's start: it must not fire for a node that never listened.
        var serve = await SyncplaneCli.RunAsync(_dir.Path, "serve", "--urls", $"http://127.0.0.1:{port}");
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--json");

        Assert.Equal(2, serve.ExitCode);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("scheduler: active", serve.Stdout, StringComparison.Ordinal);
        Assert.Equal("[]", history.Stdout.Trim());
        Assert.False(File.Exists(_dir.Combine("ran")));
    }
}
