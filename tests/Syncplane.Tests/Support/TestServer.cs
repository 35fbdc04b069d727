using System.Net.Http.Headers;
using Syncplane.Access;
using Syncplane.Config;
using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Server;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Tests.Support;

/// <summary>
/// A real Syncplane node — HTTP server on 127.0.0.1 (a free port), event hub and, unless told otherwise, a
/// worker — over a config in a temp directory and a real store (SQLite by default), with one token per role.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly Dictionary<ApiRole, string> _tokens = [];
    private readonly bool _ownsStore;
    private SyncplaneNode _node = null!;
    private Func<string, Task<SyncplaneNode>> _startNode = null!;
    private Uri? _stoppedAt;

    private TestServer(TempDirectory directory, SyncplaneConfig config, ISyncStore store, bool ownsStore)
    {
        Directory = directory;
        Config = config;
        Store = store;
        _ownsStore = ownsStore;
    }

    public TempDirectory Directory { get; }

    public SyncplaneConfig Config { get; }

    public ISyncStore Store { get; }

    public Uri BaseAddress => _node.Urls[0];

    public ServerContext Context => _node.Context;

    /// <summary>Event hub subscribers other than the node's own: its metrics snapshot follows run events.</summary>
    public int StreamSubscribers => Context.Events.SubscriberCount - 1;

    /// <summary>The web application's services.</summary>
    public IServiceProvider Services => _node.Services;

    /// <summary>The token of each role, as an operator would paste it.</summary>
    public string Token(ApiRole role) => _tokens[role];

    /// <summary>Starts a node on <paramref name="yaml"/>; with <paramref name="openStore"/>, on that store (e.g. PostgreSQL) instead of a fresh SQLite file.</summary>
    public static async Task<TestServer> StartAsync(
        string yaml, Func<TimeProvider, ISyncStore>? openStore = null, bool workers = true, ApiRole? anonymous = null, TimeProvider? time = null,
        IReadOnlyDictionary<string, string>? files = null, TimeSpan? lease = null, EventHubOptions? events = null, bool checks = true,
        Syncplane.Server.Telemetry.MetricsOptions? metrics = null)
    {
        time ??= TimeProvider.System;
        var directory = new TempDirectory();
        directory.Write("syncplane.yaml", yaml);
        foreach (var (path, content) in files ?? new Dictionary<string, string>())
        {
            directory.Write(path, content);
        }

        var config = ConfigLoader.Default.Load(directory.Combine("syncplane.yaml"));
        var store = openStore?.Invoke(time) ?? new SqliteSyncStore(directory.Combine(".syncplane", "test.db"), time);
        await store.MigrateAsync(CancellationToken.None);
        var server = new TestServer(directory, config, store, ownsStore: true);
        foreach (var role in Enum.GetValues<ApiRole>())
        {
            var token = ApiTokens.Generate();
            await store.CreateTokenAsync($"test-{ApiRoles.Name(role)}-{Guid.NewGuid():n}", role, ApiTokens.Hash(token), CancellationToken.None);
            server._tokens[role] = token;
        }

        var options = new NodeOptions(
            new ServerOptions { Urls = "http://127.0.0.1:0", AnonymousRole = anonymous },
            workers ? new WorkerOptions { IdleWait = TimeSpan.FromSeconds(1), LeaseDuration = lease ?? TimeSpan.FromSeconds(30) } : null,
            Scheduler: false,
            events,
            Checks: checks,
            Metrics: metrics);
        server._startNode = urls => SyncplaneNode.StartAsync(
            config, SecretResolver.ForConfig(config), store, time, options with { Server = options.Server with { Urls = urls } }, null, null, CancellationToken.None);
        server._node = await server._startNode("http://127.0.0.1:0");
        return server;
    }

    /// <summary>Stops the node (an outage: connections drop, nothing answers); <see cref="StartAgainAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        _stoppedAt = BaseAddress;
        await _node.DisposeAsync();
    }

    /// <summary>Starts the node again on the same address and store, after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        _node = await _startNode(_stoppedAt!.ToString().TrimEnd('/'));
        _stoppedAt = null;
    }

    /// <summary>A client for the API; with a role, it sends that role's token.</summary>
    public HttpClient Client(ApiRole? role = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role is { } r)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[r]);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stoppedAt is null)
        {
            await _node.DisposeAsync();
        }

        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }

        Directory.Dispose();
    }
}
