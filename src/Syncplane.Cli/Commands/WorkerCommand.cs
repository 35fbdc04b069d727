using System.CommandLine;
using System.Globalization;
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
        var command = serve
            ? new Command("serve", "Run the scheduler and workers in one process until Ctrl+C / SIGTERM")
            : new Command("worker", "Run queued runs (no scheduler) until Ctrl+C / SIGTERM");
        command.Options.Add(config);
        command.Options.Add(store);
        command.Options.Add(concurrency);
        command.Options.Add(exitWhenIdle);
        command.SetAction((result, ct) => RunAsync(
            result.GetValue(config)!, result.GetValue(store), result.GetValue(concurrency), result.GetValue(exitWhenIdle), serve, ct));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, string? storeOption, int concurrency, bool exitWhenIdle, bool serve, CancellationToken stopping)
    {
        await using var session = await CliSession.OpenAsync(configPath, storeOption, CancellationToken.None);
        if (session is null)
        {
            return ExitCodes.InvalidInput;
        }

        var time = session.Time;
        void Log(string line) => Console.WriteLine($"{time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {line}");
        var runner = new SyncRunner(session.Config, session.Store, time, ConnectorRegistry.Default, session.Secrets);
        var options = new WorkerOptions { Concurrency = concurrency, ExitWhenIdle = exitWhenIdle };
        var worker = new Worker(session.Config, session.Store, runner, time, options, e => Log(e.ToString()));
        Log($"{(serve ? "serve" : "worker")}: {options.WorkerId} started with concurrency {concurrency}");

        using var stopScheduler = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var scheduler = serve ? new Scheduler(session.Config, session.Store, time, new SchedulerOptions(), Log).RunAsync(stopScheduler.Token) : Task.CompletedTask;
        await worker.RunAsync(stopping);
        await stopScheduler.CancelAsync();
        await scheduler;
        Log($"{(serve ? "serve" : "worker")}: stopped");
        return ExitCodes.Success;
    }
}
