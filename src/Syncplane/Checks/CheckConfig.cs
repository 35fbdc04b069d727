using Syncplane.Config;

namespace Syncplane.Checks;

/// <summary>The top-level <c>checks:</c> section: named checks and where <c>syncplane check</c> writes its status file.</summary>
public sealed record ChecksConfig
{
    /// <summary>Checks in file order.</summary>
    public IReadOnlyList<CheckConfig> Items { get; init; } = [];

    /// <summary>The status JSON file (<c>checks.status_file</c>), absolute; <value>null: status.json in the state directory</value>.</summary>
    public string? StatusFile { get; init; }

    /// <summary>The check named <paramref name="name"/>, or null.</summary>
    public CheckConfig? Find(string name) => Items.FirstOrDefault(c => c.Name == name);
}

/// <summary>One named check.</summary>
public sealed record CheckConfig
{
    /// <summary>The key of the check in <c>checks:</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="CheckKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The kind's options record (<see cref="HttpCheckOptions"/>, <see cref="GitCheckOptions"/>, …).</summary>
    public required object Options { get; init; }

    /// <summary>The heading the report groups the check under; <value>null: the kind's heading (HTTP, DNS, Git, …)</value>.</summary>
    public string? Section { get; init; }

    /// <summary>
    /// The name the Infinity Sync shapes show for the check (a heartbeat's <c>service</c>, its key in a command section's
    /// <c>Details</c>), such as the seed's <c>"GitHub API"</c>; <value>null: the check's name</value>.
    /// </summary>
    public string? DisplayName { get; init; }

    /// <summary>The name the Infinity Sync shapes show: <see cref="DisplayName"/>, else <see cref="Name"/>.</summary>
    public string SeedName => DisplayName ?? Name;

    /// <summary>How long one run of the check may take before it is down. <value>5s</value></summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>A healthy check slower than this is degraded; <value>null: no latency threshold</value>.</summary>
    public TimeSpan? DegradedAfter { get; init; }

    /// <summary>How old a stored result may be for <c>requires:</c> to use it instead of checking again. <value>60s</value></summary>
    public TimeSpan CacheTtl { get; init; } = DefaultCacheTtl;

    /// <summary>How often <c>syncplane serve</c> runs the check: when its newest stored result is this old. <value>60s</value></summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Where the check was declared, for error messages.</summary>
    public ConfigNode? Node { get; init; }

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultCacheTtl = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>The shortest <c>interval</c> accepted, so a typo cannot turn a check into a flood.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
}

/// <summary>Built-in check kinds, the key that names a check's kind in config.</summary>
public static class CheckKinds
{
    public const string Http = "http";
    public const string Dns = "dns";
    public const string Tcp = "tcp";
    public const string Git = "git";
    public const string Compose = "compose";
    public const string Command = "command";
    public const string CloudRun = "cloud_run";

    public static IReadOnlyList<string> All { get; } = [Http, Dns, Tcp, Git, Compose, Command, CloudRun];

    /// <summary>The report heading of a kind.</summary>
    public static string Heading(string kind) => kind switch
    {
        Http => "HTTP",
        Dns => "DNS",
        Tcp => "TCP",
        Git => "Git",
        Compose => "Containers",
        Command => "Commands",
        CloudRun => "Cloud Run",
        _ => kind,
    };
}
