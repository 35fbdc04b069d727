using Syncplane.Engine.Policies;
using Syncplane.Planning;
using Syncplane.Scheduling;

namespace Syncplane.Config;

public enum SyncDirection
{
    Pull,
    Push,
    Bidirectional,
}

/// <summary>A whole, validated <c>syncplane.yaml</c>.</summary>
public sealed record SyncplaneConfig
{
    /// <summary>Full path of the file this was loaded from.</summary>
    public required string File { get; init; }

    /// <summary>
    /// The directory relative paths in the file are resolved against and commands run in: <c>root:</c>, else the
    /// file's directory, or its parent when the file sits in a dot-directory such as <c>.insightpulse/</c>.
    /// </summary>
    public required string BaseDirectory { get; init; }

    public string Version { get; init; } = "1";

    public DefaultsConfig Defaults { get; init; } = new();

    /// <summary>Targets in file order.</summary>
    public IReadOnlyList<TargetConfig> Targets { get; init; } = [];

    public SafetyConfig Safety { get; init; } = new();

    /// <summary>Named rate-limit budgets (top-level <c>rate_limits</c>) that targets share by name.</summary>
    public IReadOnlyDictionary<string, RateLimit> RateLimits { get; init; } = new Dictionary<string, RateLimit>();

    /// <summary>Where Syncplane keeps its state; <value>.syncplane</value> in <see cref="BaseDirectory"/> by default.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>
    /// The store to use instead of the embedded SQLite file: a <c>postgres://</c> URL or Npgsql connection
    /// string, usually a secret reference such as <c>${env:SYNCPLANE_STORE}</c>. Null means SQLite in <see cref="StateDirectory"/>.
    /// </summary>
    public string? Store { get; init; }

    /// <summary>How inbound webhooks are authenticated (top-level <c>webhooks</c>).</summary>
    public Webhooks.WebhooksConfig Webhooks { get; init; } = new();
    /// <summary>Named environment checks (top-level <c>checks:</c>) and where <c>syncplane check</c> writes its status file.</summary>
    public Checks.ChecksConfig Checks { get; init; } = new();

    /// <summary>Where run outcomes are sent (top-level <c>notifiers</c>), in file order.</summary>
    public IReadOnlyList<Notifications.NotifierConfig> Notifiers { get; init; } = [];

    /// <summary>The document served at seed 001's <c>/api/v1/sync/infrastructure-state</c> (<c>documents: { infrastructure_state: NAME }</c>); null: that route answers 404.</summary>
    public string? InfrastructureStateDocument { get; init; }

    /// <summary>How long raw history is kept (top-level <c>retention</c>); rollups outlive it.</summary>
    public Storage.Rollups.RetentionPolicy Retention { get; init; } = new();

    /// <summary>Alert rules (top-level <c>alerts</c>), in file order.</summary>
    public IReadOnlyList<Alerts.AlertRule> Alerts { get; init; } = [];

    /// <summary>Which project owns each target, check and document (top-level <c>projects</c>); see docs/projects.md.</summary>
    public Projects.ProjectsConfig Projects { get; init; } = Syncplane.Projects.ProjectsConfig.None;

    /// <summary>Every distinct secret reference anywhere in the file (<c>${env:NAME}</c>, <c>${file:PATH}</c>), so all are masked from the start.</summary>
    public IReadOnlyList<string> SecretReferences { get; init; } = [];
}

/// <summary>Values every target inherits unless it sets its own.</summary>
public sealed record DefaultsConfig
{
    /// <value>pull</value>
    public SyncDirection Direction { get; init; } = SyncDirection.Pull;

    public bool DryRun { get; init; }

    /// <summary>Fail a run whose plan is not empty (a drift check in CI).</summary>
    public bool FailOnDiff { get; init; }

    /// <summary>Accepted for seed compatibility; Syncplane runs are always idempotent.</summary>
    public bool Idempotent { get; init; } = true;

    /// <summary>Commit what a pull wrote when it lies in a git work tree. <value>false</value></summary>
    public bool GitCommit { get; init; }

    /// <summary>Run verification after every sync, not only with <c>--verify</c>. <value>false</value></summary>
    public bool Verify { get; init; }

    /// <value>10m</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>Pause a target after this many failed runs in a row. <value>null: never</value></summary>
    public int? PauseAfterFailures { get; init; }

    /// <summary>Jitter window for scheduled firings; null for the per-schedule default (see <see cref="Scheduling.ScheduleJitter"/>), zero for none.</summary>
    public TimeSpan? Jitter { get; init; }
}

/// <summary>How often a failed run is retried and how long to wait between attempts.</summary>
public sealed record RetryPolicy(int Attempts, IReadOnlyList<TimeSpan> Backoff)
{
    /// <summary>3 attempts, waiting 5s, 30s and 5m.</summary>
    public static readonly RetryPolicy Default = new(3, [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)]);
}

/// <summary>A connector reference: its type name and its bound options.</summary>
public sealed record ConnectorConfig(string Type, object Options, ConfigNode Node);

/// <summary>One named sync.</summary>
public sealed record TargetConfig
{
    /// <summary>The key of the target in the <c>targets</c> mapping.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    public SyncDirection Direction { get; init; } = SyncDirection.Pull;

    /// <summary>Where items come from (pull: the remote side).</summary>
    public ConnectorConfig? Source { get; init; }

    /// <summary>Where items go.</summary>
    public ConnectorConfig? Destination { get; init; }

    /// <summary>A script that does the sync itself (seed 004 style); relative to the config's directory.</summary>
    public string? Entrypoint { get; init; }

    /// <summary>Free-form settings passed to the entrypoint as SYNCPLANE_CONFIG_&lt;KEY&gt; environment variables.</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    public IReadOnlyDictionary<string, string> Env { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Names (globs such as <c>GITHUB_*</c>) of Syncplane's own environment variables the entrypoint inherits as they are, besides the baseline; not secrets, so not masked.</summary>
    public IReadOnlyList<Glob> PassEnv { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>Globs (relative to the base directory) of what a push reads.</summary>
    public IReadOnlyList<Glob> Inputs { get; init; } = [];

    /// <summary>Globs (relative to the base directory) of what a pull produces.</summary>
    public IReadOnlyList<Glob> Outputs { get; init; } = [];

    public Schedule Schedule { get; init; } = Schedule.Manual;

    public VerificationConfig? Verification { get; init; }

    public MaxDelete? MaxDelete { get; init; }

    /// <summary>How a bidirectional target settles keys both sides changed differently (<c>conflicts:</c>). <value>keep-both</value></summary>
    public Planning.TwoWay.ConflictPolicy Conflicts { get; init; } = Planning.TwoWay.ConflictPolicy.KeepBoth;

    public GitCommitConfig? GitCommit { get; init; }

    public TimeSpan Timeout { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The target's own budget of upstream calls (<c>rate_limit: 180/hour</c>); null when it has none or uses <see cref="RateLimitBucket"/>.</summary>
    public RateLimit? RateLimit { get; init; }

    /// <summary>The name of a shared budget in <see cref="SyncplaneConfig.RateLimits"/> (<c>rate_limit: ads-api</c>).</summary>
    public string? RateLimitBucket { get; init; }

    /// <summary>Checks (names in <c>checks:</c>) that must not be down for a run to start; a run is skipped (refused) otherwise.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>The layer the target belongs to (e.g. webhook, git, api, events, analytics): how the dashboard groups targets; null when none.</summary>
    public string? Layer { get; init; }

    /// <summary>Targets whose newest run must have succeeded before this one starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>When runs may start (<c>windows</c>); empty: always.</summary>
    public IReadOnlyList<SyncWindow> Windows { get; init; } = [];

    /// <summary>Pause after this many failed runs in a row; null never pauses. Inherits <see cref="DefaultsConfig.PauseAfterFailures"/>.</summary>
    public int? PauseAfterFailures { get; init; }

    /// <summary>Jitter window; null for the schedule's default. Inherits <see cref="DefaultsConfig.Jitter"/>.</summary>
    public TimeSpan? Jitter { get; init; }

    /// <summary>Matchers under <c>trigger.webhook</c>: deliveries that match one of them trigger a run.</summary>
    public IReadOnlyList<Webhooks.WebhookTrigger> Webhooks { get; init; } = [];

    /// <summary>Event sources that patch the target's document between full syncs (<c>events:</c>); null when none.</summary>
    public Documents.DocumentEvents? Events { get; init; }

    /// <summary>Where the target was declared, for the loader's error messages; null once the config has loaded.</summary>
    /// <remarks>
    /// The loader lets go of it when validation is done, so a loaded config does not hold the parsed YAML of every
    /// target (about 38 MB with 100,000 targets). Connectors keep their own <see cref="ConnectorConfig.Node"/>.
    /// </remarks>
    public ConfigNode? Node { get; internal set; }
}

/// <summary>A command whose result decides whether a run's output is acceptable.</summary>
public sealed record VerificationConfig(string Command, long? ExpectedMin, int? ExpectedExitCode);

/// <summary>A limit on deletes per run: an absolute count or a percentage of the destination (of each side, for a bidirectional target).</summary>
public sealed record MaxDelete(long? Count, double? Percent)
{
    public bool Allows(int deletes, int destinationCount) =>
        Count is { } count ? deletes <= count
        : Percent is not { } percent || destinationCount == 0 || deletes * 100.0 / destinationCount <= percent;

    public override string ToString() => Count is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Percent}%";
}

/// <summary>Commit what a pull wrote into the git work tree that holds it.</summary>
public sealed record GitCommitConfig
{
    /// <value>"syncplane: sync {target} at {datetime} from {source_sha}"</value>
    public string Message { get; init; } = "syncplane: sync {target} at {datetime} from {source_sha}";

    /// <value>Syncplane</value>
    public string AuthorName { get; init; } = "Syncplane";

    /// <value>syncplane@localhost</value>
    public string AuthorEmail { get; init; } = "syncplane@localhost";

    public bool Push { get; init; }

    public string? Remote { get; init; }

    public string? Branch { get; init; }
}

/// <summary>The global <c>safety</c> section of seed 004.</summary>
public sealed record SafetyConfig
{
    /// <summary>Regular expressions (case-insensitive) that must not appear in anything a run writes.</summary>
    public IReadOnlyList<string> SecretPatterns { get; init; } = [];

    public IReadOnlyList<CheckCommand> PreSyncChecks { get; init; } = [];

    public IReadOnlyList<CheckCommand> PostSyncChecks { get; init; } = [];

    public IReadOnlyList<DriftGate> DriftGates { get; init; } = [];
}

/// <summary>A pre- or post-sync check: a shell command and the exit code it must return.</summary>
public sealed record CheckCommand(string Name, string Command, int ExpectedExitCode = 0, bool SkipOnPull = false, bool SkipOnPush = false);

/// <summary>
/// A command whose numeric output gates a run: its last number must be at least <see cref="MinValue"/>
/// and/or at most <see cref="MaxDriftScore"/>. <see cref="Targets"/> limits it to matching targets.
/// </summary>
public sealed record DriftGate(string Name, string Command, double? MinValue, double? MaxDriftScore, IReadOnlyList<Glob> Targets);
