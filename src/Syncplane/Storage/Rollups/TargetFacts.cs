namespace Syncplane.Storage.Rollups;

/// <summary>
/// What alert rules and <c>/metrics</c> read about one target, from its rollups and a few index seeks on its runs
/// (see <see cref="ISyncStore.ListTargetFactsAsync"/>).
/// </summary>
/// <param name="Target">The target.</param>
/// <param name="Succeeded">Runs that succeeded and finished within the window (0 when no window was asked for).</param>
/// <param name="Failed">Runs that failed and finished within the window.</param>
/// <param name="LatestQueuedAt">The latest finished real (not dry) run: when it was queued (triggered).</param>
/// <param name="LatestStartedAt">… when it started.</param>
/// <param name="LatestFinishedAt">… when it finished.</param>
/// <param name="LastSuccessAt">When the last successful real run finished.</param>
/// <param name="ConsecutiveFailures">
/// Failed runs that finished after the last success, plus one when the run queued or running now failed an attempt
/// since (a run retrying after a failure): what <c>syncplane status</c> shows.
/// </param>
public sealed record TargetFacts(
    string Target, int Succeeded, int Failed, DateTimeOffset? LatestQueuedAt, DateTimeOffset? LatestStartedAt, DateTimeOffset? LatestFinishedAt,
    DateTimeOffset? LastSuccessAt, int ConsecutiveFailures);
