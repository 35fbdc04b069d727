namespace Syncplane.Cli;

/// <summary>The exit codes of every <c>syncplane</c> command (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for succeeded.</summary>
    public const int Success = 0;

    /// <summary>At least one target failed (sync error, failed check or verification, timeout).</summary>
    public const int TargetFailed = 1;

    /// <summary>The config file or the command line is invalid; nothing ran.</summary>
    public const int InvalidInput = 2;

    /// <summary>A safety gate refused at least one target before it wrote anything (and none failed).</summary>
    public const int Refused = 3;

    /// <summary>At least one target was already running elsewhere and was not started (and none failed).</summary>
    public const int AlreadyRunning = 4;

    /// <summary><c>run</c>: an upstream kept rate limiting at least one target (HTTP 429) past <c>--max-wait</c>, and no target failed otherwise.</summary>
    public const int RateLimited = 5;

    /// <summary>Interrupted (Ctrl+C / SIGTERM); runs in flight were recorded as cancelled.</summary>
    public const int Cancelled = 130;
}
