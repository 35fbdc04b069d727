using System.Net;
using System.Net.Sockets;
using Syncplane.Config;
using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Process;

namespace Syncplane.Engine.Policies;

/// <summary>Sorts the exception a failed attempt ended with into <see cref="ErrorKind"/>s.</summary>
/// <remarks>
/// Permanent: config and secret errors, unsafe paths, failed safety gates, an entrypoint that cannot start, argument/format/validation
/// errors, HTTP 4xx other than 408/429, and git failures that name a missing repository, ref or
/// credentials. Rate-limited: <see cref="UpstreamRateLimitedException"/> and HTTP 429. Everything
/// else (I/O, HTTP 5xx, sockets, timeouts, git network failures, unknown errors) is transient:
/// retrying an unknown error is bounded by the policy's attempts, refusing to retry a flaky one is not.
/// </remarks>
internal static class ErrorClassifier
{
    // Lower-case fragments of git's own words for failures that a retry cannot fix.
    private static readonly string[] PermanentGitMarkers =
    [
        "authentication failed", "repository not found", "couldn't find remote ref", "not a git repository",
        "not inside a git work tree", "permission denied (publickey)", "invalid username or password",
        "does not appear to be a git repository", "checked out", "detached head", "unknown revision",
    ];

    /// <summary>Classifies <paramref name="error"/>; wrappers (aggregate, inner exceptions of generic wrappers) are looked through.</summary>
    public static ErrorKind Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        switch (error)
        {
            case UpstreamRateLimitedException:
                return ErrorKind.RateLimited;
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                return Worst(aggregate.InnerExceptions.Select(Classify));
            case ConfigException or SecretException or UnsafePathException or GateFailedException or ProcessStartException:
                return ErrorKind.Permanent;
            case HttpRequestException http:
                return Http(http.StatusCode);
            case GitException git:
                return Git(git.Message);
            case TimeoutException or OperationCanceledException or SocketException or IOException:
                return ErrorKind.Transient;
            case ArgumentException or FormatException or InvalidDataException or NotSupportedException or UnauthorizedAccessException:
                return ErrorKind.Permanent;
        }

        return error.InnerException is { } inner ? Classify(inner) : ErrorKind.Transient;
    }

    private static ErrorKind Http(HttpStatusCode? status) => status switch
    {
        null => ErrorKind.Transient, // no response at all: DNS, connect, TLS
        HttpStatusCode.TooManyRequests => ErrorKind.RateLimited,
        HttpStatusCode.RequestTimeout => ErrorKind.Transient,
        var code when (int)code is >= 400 and < 500 => ErrorKind.Permanent,
        _ => ErrorKind.Transient,
    };

    private static ErrorKind Git(string message)
    {
        var lower = message.ToLowerInvariant();
        return PermanentGitMarkers.Any(m => lower.Contains(m, StringComparison.Ordinal)) ? ErrorKind.Permanent : ErrorKind.Transient;
    }

    // Several failures at once: a permanent one decides, then a rate limit (waiting helps everyone).
    private static ErrorKind Worst(IEnumerable<ErrorKind> kinds)
    {
        var all = kinds.ToList();
        return all.Contains(ErrorKind.Permanent) ? ErrorKind.Permanent
            : all.Contains(ErrorKind.RateLimited) ? ErrorKind.RateLimited
            : ErrorKind.Transient;
    }
}
