using Microsoft.Data.Sqlite;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>
/// A bidirectional target between two real folders (<c>a</c>: the source, <c>b</c>: the destination) run through the
/// real engine with a real SQLite store, as <c>syncplane run</c> does.
/// </summary>
internal sealed class TwoWayBed : IAsyncDisposable
{
    private static readonly DateTime Base = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly SqliteSyncStore _store;
    private readonly SyncRunner _runner;

    public TwoWayBed(string extra = "", string topLevel = "")
    {
        Directory.CreateDirectory(Dir["a"]);
        Directory.CreateDirectory(Dir["b"]);
        Dir.Write("syncplane.yaml", $"""
            targets:
              both:
                direction: bidirectional
                source: {"{"} directory: {"{"} path: a {"}"} {"}"}
                destination: {"{"} directory: {"{"} path: b {"}"} {"}"}
            {string.Join('\n', extra.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l))}
            {topLevel}
            """);
        Config = ConfigLoader.Default.Load(Dir["syncplane.yaml"]);
        _store = new SqliteSyncStore(Dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        _runner = new SyncRunner(Config, _store, TimeProvider.System, ConnectorRegistry.Default, new SecretResolver(Config.BaseDirectory));
    }

    public TempDirectory Dir { get; } = new();

    public SyncplaneConfig Config { get; }

    /// <summary>Told every log line of a run as it is written (the plan line comes before anything is applied).</summary>
    public Action<string>? OnLog { get; set; }

    public static async Task<TwoWayBed> CreateAsync(string extra = "", string topLevel = "")
    {
        var bed = new TwoWayBed(extra, topLevel);
        await bed._store.MigrateAsync(CancellationToken.None);
        return bed;
    }

    /// <summary>A bed whose first run (a resync) already synced the given files, written on the source.</summary>
    public static Task<TwoWayBed> SyncedAsync(string extra = "", params (string Key, string Content)[] files) =>
        SyncedAsync(extra, "", files);

    /// <summary>As above, with top-level config (such as <c>safety:</c>) after the target.</summary>
    public static async Task<TwoWayBed> SyncedAsync(string extra, string topLevel, params (string Key, string Content)[] files)
    {
        var bed = await CreateAsync(extra, topLevel);
        foreach (var (key, content) in files)
        {
            bed.Write("a", key, content, minutes: 0);
        }

        var first = await bed.RunAsync(resync: true);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        return bed;
    }

    public Task<TargetRunResult> RunAsync(bool resync = false, bool dryRun = false) =>
        _runner.RunAsync(Config.Targets[0], new RunOptions(dryRun) { Resync = resync }, line => OnLog?.Invoke(line.Message), null, null, CancellationToken.None);

    /// <summary>Writes a file on a side ("a" or "b") with an mtime <paramref name="minutes"/> after a fixed base time.</summary>
    public void Write(string side, string key, string content, int minutes)
    {
        var path = Dir.Write(System.IO.Path.Combine(side, key), content);
        File.SetLastWriteTimeUtc(path, Base.AddMinutes(minutes));
    }

    public string? Read(string side, string key) => File.Exists(Path(side, key)) ? File.ReadAllText(Path(side, key)) : null;

    public string Path(string side, string key) => Dir.Combine(side, key);

    /// <summary>Every file and directory of a side with the content of each file: "dir/", "dir/x.txt=content".</summary>
    public List<string> Tree(string side)
    {
        var root = Dir[side];
        return Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => System.IO.Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Select(k => Directory.Exists(System.IO.Path.Combine(root, k)) ? k + "/" : $"{k}={File.ReadAllText(System.IO.Path.Combine(root, k))}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Asserts both sides hold exactly <paramref name="expected"/> and returns nothing to change on a rerun.</summary>
    public async Task AssertBothAsync(params string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), Tree("a"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), Tree("b"));
        var again = await RunAsync();
        Assert.True(again.Status == RunStatus.Succeeded && again.Plan!.Changes.Count == 0, $"a rerun is not a no-op: {again.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Dir.Dispose();
    }

    public static string ConflictName(string key, string side, int minutes) =>
        ConflictNames.For(key, side == "a" ? TwoWaySide.Source : TwoWaySide.Destination, Base.AddMinutes(minutes).Ticks);

    public static IEnumerable<Change> Into(TargetRunResult result, string side) =>
        side == "a" ? result.Plan!.TwoWay!.IntoSource : result.Plan!.TwoWay!.IntoDestination;

    /// <summary>Sets the stored listing's <c>saved_at</c>, so a test can tell whether a run saved the listing again.</summary>
    public void SetListingSavedAt(string value)
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE listings SET saved_at = $value";
        command.Parameters.AddWithValue("$value", value);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>The stored listing's <c>saved_at</c>.</summary>
    public object? ListingSavedAt()
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT saved_at FROM listings";
        return command.ExecuteScalar();
    }

    /// <summary>A connection of its own to the SQLite store file (no pooling).</summary>
    public SqliteConnection OpenStoreFile()
    {
        var connection = new SqliteConnection($"Data Source={Dir.Combine(".syncplane", "syncplane.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}
