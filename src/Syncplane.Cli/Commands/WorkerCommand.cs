using System.CommandLine;
using System.Runtime.InteropServices;
using Syncplane.Connectors;
using Syncplane.Access;
using Syncplane.Engine;
using Syncplane.Server;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane worker</c>: runs queued runs until stopped (and <c>serve</c>, which adds the scheduler).</summary>
internal static class WorkerCommand
{
    public static Command Create(bool serve)
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Runs in flight at once", DefaultValueFactory = _ => 1, HelpName = "N" };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--concurrency must be at least 1");
            }
        });
        var exitWhenIdle = new Option<bool>("--exit-when-idle") { Description = "Exit once nothing runs and nothing is due (tests, scripts)", Hidden = true };
        var grace = new Option<double>("--shutdown-grace") { Description = "Seconds running runs may take to finish on shutdown before they are released", DefaultValueFactory = _ => 10, Hidden = true };
        var command = serve
            ? new Command("serve", "Run the scheduler and workers in one process until Ctrl+C / SIGTERM")
            : new Command("worker", "Run queued runs (no scheduler) until Ctrl+C / SIGTERM");
        command.Options.Add(config);
        command.Options.Add(store);
        command.Options.Add(concurrency);
        command.Options.Add(exitWhenIdle);
        var lease = new Option<double>("--lease-seconds") { Description = "How long a claim holds without renewal", DefaultValueFactory = _ => 30, Hidden = true };
        var idle = new Option<double>("--idle-seconds") { Description = "How long an idle worker waits for a wake-up before looking at the queue again", DefaultValueFactory = _ => 5, Hidden = true };
        command.Options.Add(grace);
        command.Options.Add(lease);
        command.Options.Add(idle);
        var urls = new Option<string>("--urls") { Description = "Where the HTTP server listens (serve only; ';' between several)", DefaultValueFactory = _ => ServerOptions.DefaultUrls, HelpName = "URLS" };
        var anonymous = new Option<string?>("--anonymous-role") { Description = "Role of requests without a token: viewer, operator or admin (default: a token is required)", HelpName = "ROLE" };
        anonymous.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } role && !ApiRoles.TryParse(role, out _))
            {
                r.AddError($"--anonymous-role must be viewer, operator or admin, not '{role}'");
            }
        });
        if (serve)
        {
            command.Options.Add(urls);
            command.Options.Add(anonymous);
        }

        command.SetAction((result, ct) =>
        {
            var options = new WorkerOptions
            {
                Concurrency = result.GetValue(concurrency),
                ExitWhenIdle = result.GetValue(exitWhenIdle),
                ShutdownGrace = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(grace), 0, 20)),
                LeaseDuration = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(lease), 1, 3600)),
                IdleWait = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(idle), 0.1, 3600)),
            };
            options = options with { RecoveryInterval = options.LeaseDuration < options.RecoveryInterval ? options.LeaseDuration : options.RecoveryInterval };
            var server = serve
                ? new ServerOptions { Urls = result.GetValue(urls)!, AnonymousRole = ApiRoles.TryParse(result.GetValue(anonymous), out var role) ? role : null }
                : null;
            return RunAsync(result.GetValue(config)!, result.GetValue(store), options, server, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string configPath, string? storeOption, WorkerOptions options, ServerOptions? server, CancellationToken stopping)
    {
        // System.CommandLine installs its SIGTERM / Ctrl+C handlers only once the action has returned its task; a signal
        // before that (the work below may start synchronously) would kill the process without a graceful shutdown.
        using var signals = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        stopping = signals.Token;
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                signals.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The signal raced the end of the command: it is stopping already.
            }
        }

        await using var session = await CliSession.OpenAsync(configPath, storeOption, CancellationToken.None);
        if (session is null)
        {
            return ExitCodes.InvalidInput;
        }

        var time = session.Time;
        void Log(string line) => LogOutput.Host(time.GetUtcNow(), line);
        void OnEvent(WorkerEvent e) => LogOutput.Host(e.At, e.ToString(), Level(e), "worker", Fields(e));
        var name = server is null ? "worker" : "serve";
        if (server is null)
        {
            using var tracing = Syncplane.Server.Telemetry.OtlpExport.StartTracing();
            var runner = new SyncRunner(session.Config, session.Store, time, ConnectorRegistry.Default, session.Secrets);
            Log($"worker: {options.WorkerId} started with concurrency {options.Concurrency}");
            await new Worker(session.Config, session.Store, runner, time, options, OnEvent).RunAsync(stopping);
            Log("worker: stopped");
            return ExitCodes.Success;
        }

        // Loading the config left its parsed YAML behind as garbage (about 80 MB with 100,000 targets); give it back
        // before the host and the scheduler's plan are built, so it does not add to the node's peak memory.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        SyncplaneNode node;
        try
        {
            node = await SyncplaneNode.StartAsync(session.Config, session.Secrets, session.Store, time, new NodeOptions(server, options, Scheduler: true), OnEvent, Log, stopping);
        }
        catch (IOException ex)
        {
            // Kestrel reports an address in use or a bad URL as an IOException.
            LogOutput.Error($"cannot listen on {server.Urls}: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        await using (node)
        {
            Log($"{name}: listening on {string.Join(", ", node.Urls)}");
            Log($"{name}: {options.WorkerId} started with concurrency {options.Concurrency}");
            // Runs until stopped; with --exit-when-idle, until the node's worker has drained the queue.
            await Task.WhenAny(node.WorkersDone, Task.Delay(Timeout.Infinite, stopping));

            await node.StopAsync();
        }

        Log($"{name}: stopped");
        return ExitCodes.Success;
    }

    private static string Level(WorkerEvent e) => e.Kind switch
    {
        WorkerEventKind.StoreUnavailable or WorkerEventKind.Error => "error",
        WorkerEventKind.Retrying or WorkerEventKind.FencedOut => "warning",
        WorkerEventKind.Finished when e.Status is "failed" => "error",
        WorkerEventKind.Finished when e.Status is "refused" or "cancelled" => "warning",
        _ => "info",
    };

    private static (string, object?)[] Fields(WorkerEvent e) => e.RunId == 0
        ? [("event", Name(e.Kind))]
        : [("event", Name(e.Kind)), ("run_id", e.RunId), ("target", e.Target), ("attempt", e.Attempt), ("status", e.Status)];

    private static string Name(WorkerEventKind kind) => kind.ToString().ToLowerInvariant();
}
