using Syncplane.Config;
using Syncplane.Engine;

namespace Syncplane.Connectors;

/// <summary>What a connector gets from the engine when it is created for one run.</summary>
public sealed record ConnectorContext(
    string TargetName,
    string BaseDirectory,
    string StateDirectory,
    SecretResolver Secrets,
    IRunLog Log,
    TimeProvider Time)
{
    /// <summary>The target's budget of upstream calls; connectors take one token per call. <value>Unlimited</value></summary>
    public IUpstreamBudget Budget { get; init; } = UnlimitedBudget.Instance;

    /// <summary>
    /// The bound options of the target's other connector (the destination's for a source, the source's for a
    /// destination), for rules that span both sides such as the directory connector's shared <c>exclude</c>.
    /// </summary>
    public object? OtherSideOptions { get; init; }

    /// <summary>The store, for destinations that keep what they hold in it (the document destination); null outside a run.</summary>
    public Storage.ISyncStore? Store { get; init; }

    /// <summary>A directory private to this target (clones, caches), created on demand.</summary>
    public string TargetStateDirectory => Path.Combine(StateDirectory, "targets", TargetName);
}
