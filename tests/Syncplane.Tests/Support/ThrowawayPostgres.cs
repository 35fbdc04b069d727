using System.Diagnostics;
using System.Globalization;

namespace Syncplane.Tests.Support;

/// <summary>
/// A PostgreSQL server of a test's own (made by <c>scripts/postgres-for-tests</c> on another port and
/// directory), so that the test may restart it without disturbing tests that share the common server.
/// </summary>
internal sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly int _port;

    private ThrowawayPostgres(string root, int port, string connectionString)
    {
        _root = root;
        _port = port;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_root, "syncplane-pg");

    /// <summary>Creates and starts a server on a free port.</summary>
    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var port = FreePort();
        // The server runs as the postgres user when the tests run as root: its directory must be reachable.
        var root = Path.Combine("/tmp", "syncplane-pg-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0x1FF);
        var script = RepositoryPaths.Combine("scripts", "postgres-for-tests");
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["TMPDIR"] = root;
        info.Environment["SYNCPLANE_TEST_POSTGRES_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = await RunAsync(info);
        Assert.True(code == 0, $"postgres-for-tests failed: {stderr}");
        Assert.True(Directory.Exists(Path.Combine(root, "syncplane-pg")), $"port {port} was taken by another server");
        return new ThrowawayPostgres(root, port, stdout.Trim());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Restarts the server (fast shutdown: open connections are cut).</summary>
    public Task RestartAsync() => PgCtlAsync("-m", "fast", "-o", $"-p {_port} -k /tmp", "-w", "-t", "60", "restart");

    public async ValueTask DisposeAsync()
    {
        await PgCtlAsync("-m", "immediate", "-w", "stop");
        Directory.Delete(_root, recursive: true);
    }

    private async Task PgCtlAsync(params string[] args)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Order().Last() + "/bin/pg_ctl";
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "runuser" : bin) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        if (asRoot)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", bin })
            {
                info.ArgumentList.Add(arg);
            }
        }

        info.ArgumentList.Add("-D");
        info.ArgumentList.Add(DataDirectory);
        info.ArgumentList.Add("-l");
        info.ArgumentList.Add(Path.Combine(DataDirectory, "server.log"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var (code, _, stderr) = await RunAsync(info);
        Assert.True(code == 0, $"pg_ctl {string.Join(' ', args)} failed: {stderr}");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
