using Syncplane.Alerts;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// A real SQLite store on a fake clock, an evaluator and an outbox sender over a config, and a webhook receiver on
/// 127.0.0.1 that the config's notifiers point at (<c>RECEIVER</c> in the YAML is replaced by its address).
/// </summary>
internal sealed class AlertBed : IAsyncDisposable
{
    private readonly HttpClient _http = new();

    private AlertBed(TempDirectory directory, FakeTimeProvider time, ISyncStore store, SyncplaneConfig config, NotificationReceiver receiver)
    {
        Directory = directory;
        Time = time;
        Store = store;
        Config = config;
        Receiver = receiver;
        var secrets = new SecretResolver(directory.Path, name => Environment.GetValueOrDefault(name));
        Evaluator = new AlertEvaluator(config, store, new StoreAlertFacts(store, time), time);
        Sender = new AlertOutboxSender(config.Notifiers, store, new AlertChannelSender(_http, secrets, time, TimeSpan.FromSeconds(10)), time, new AlertOptions { Holder = "bed" });
    }

    public TempDirectory Directory { get; }

    public FakeTimeProvider Time { get; }

    public ISyncStore Store { get; }

    public SyncplaneConfig Config { get; }

    public NotificationReceiver Receiver { get; }

    public AlertEvaluator Evaluator { get; }

    public AlertOutboxSender Sender { get; }

    public static Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal) { ["PD_KEY"] = "pd-routing-key-123" };

    public static async Task<AlertBed> StartAsync(string yaml)
    {
        var receiver = await NotificationReceiver.StartAsync();
        var directory = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var store = new SqliteSyncStore(directory.Combine("s.db"), time);
        await store.MigrateAsync(CancellationToken.None);
        var config = ConfigLoader.Default.Parse(yaml.Replace("RECEIVER", receiver.Url("").TrimEnd('/'), StringComparison.Ordinal), directory.Combine("syncplane.yaml"));
        return new AlertBed(directory, time, store, config, receiver);
    }

    /// <summary>Evaluates every rule now and sends what that queued; returns the requests the receiver got meanwhile.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> TickAsync()
    {
        var before = Receiver.Requests.Count;
        await Evaluator.EvaluateAllAsync(CancellationToken.None);
        await Sender.SendDueAsync(CancellationToken.None);
        return [.. Receiver.Requests.Skip(before)];
    }

    /// <summary>A real run of <paramref name="target"/> queued now, taking <paramref name="took"/>, ending with <paramref name="status"/>.</summary>
    public async Task RunAsync(string target, RunStatus status, TimeSpan? took = null)
    {
        var id = await Store.StartRunAsync(new NewRun(target, "schedule", "pull", false), CancellationToken.None);
        Time.Advance(took ?? TimeSpan.FromSeconds(1));
        await Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = status.ToString() }, CancellationToken.None);
    }

    public Task CheckAsync(string name, CheckStatus status) =>
        Store.RecordCheckResultAsync(new CheckResult { Name = name, Kind = "http", Status = status, Message = status.ToText(), CheckedAt = Time.GetUtcNow() }, CancellationToken.None);

    public async Task<AlertState> StateAsync(string rule, string subject) =>
        (await Store.ListAlertStatesAsync(CancellationToken.None)).Single(s => s.Rule == rule && s.Subject == subject);

    public async Task<IReadOnlyList<string>> TransitionsAsync(string rule, string subject) =>
        [.. (await Store.ListAlertHistoryAsync(null, 500, CancellationToken.None)).Where(h => h.Rule == rule && h.Subject == subject).Reverse().Select(h => h.Transition)];

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Receiver.DisposeAsync();
        await ((IAsyncDisposable)Store).DisposeAsync();
        Directory.Dispose();
    }
}
