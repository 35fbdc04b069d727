namespace Syncplane.Engine.Policies;

/// <summary>What a failed attempt means for the next one.</summary>
internal enum ErrorKind
{
    /// <summary>May succeed if tried again later (network, I/O, timeouts); spends an attempt.</summary>
    Transient,

    /// <summary>Will fail the same way until a person changes something (config, secrets, unsafe paths); never retried.</summary>
    Permanent,

    /// <summary>The upstream asked us to slow down; the run is postponed without spending an attempt.</summary>
    RateLimited,
}
