using Syncplane.Checks;

namespace Syncplane.Storage;

/// <summary>Check results, kept for history and as the cache that <c>requires:</c> reads (issue 5).</summary>
public partial interface ISyncStore
{
    /// <summary>Appends one result.</summary>
    Task RecordCheckResultAsync(CheckResult result, CancellationToken cancellationToken);

    /// <summary>The newest result of every check that has one, ordered by name.</summary>
    Task<IReadOnlyList<CheckResult>> ListLatestCheckResultsAsync(CancellationToken cancellationToken);

    /// <summary>Results of one check, newest first: at most <paramref name="limit"/>, none older than <paramref name="since"/> when given.</summary>
    Task<IReadOnlyList<CheckResult>> ListCheckResultsAsync(string name, DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}
