using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Syncplane.Connectors;
using Syncplane.Engine;

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
        command.Options.Add(grace);
        command.Options.Add(lease);
        command.SetAction((result, ct) =>
        {
            var options = new WorkerOptions
            {
                Concurrency = result.GetValue(concurrency),
                ExitWhenIdle = result.GetValue(exitWhenIdle),
                ShutdownGrace = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(grace), 0, 20)),
                LeaseDuration = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(lease), 1, 3600)),
            };
            options = options with { RecoveryInterval = options.LeaseDuration < options.RecoveryInterval ? options.LeaseDuration : options.RecoveryInterval };
            return RunAsync(result.GetValue(config)!, result.GetValue(store), options, serve, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string configPath, string? storeOption, WorkerOptions options, bool serve, CancellationToken stopping)
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
            signals.Cancel();
        }

        await using var session = await CliSession.OpenAsync(configPath, storeOption, CancellationToken.None);
        if (session is null)
        {
            return ExitCodes.InvalidInput;
        }

        var time = session.Time;
        void Log(string line) => Console.WriteLine($"{Stamp(time.GetUtcNow())} {line}");
        var runner = new SyncRunner(session.Config, session.Store, time, ConnectorRegistry.Default, session.Secrets);
        var worker = new Worker(session.Config, session.Store, runner, time, options, e => Console.WriteLine($"{Stamp(e.At)} {e}"));
        Log($"{(serve ? "serve" : "worker")}: {options.WorkerId} started with concurrency {options.Concurrency}");

        using var stopScheduler = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var scheduler = serve ? new Scheduler(session.Config, session.Store, time, new SchedulerOptions(), Log).RunAsync(stopScheduler.Token) : Task.CompletedTask;
        await worker.RunAsync(stopping);
        await stopScheduler.CancelAsync();
        await scheduler;
        Log($"{(serve ? "serve" : "worker")}: stopped");
        return ExitCodes.Success;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
