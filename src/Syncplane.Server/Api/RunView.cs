using Syncplane.Engine;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>How runs and their log lines look in the API.</summary>
internal static class RunView
{
    public static object Of(RunRecord run) => new
    {
        id = run.Id,
        target = run.Target,
        status = StoreText.From(run.Status),
        trigger = run.Trigger,
        triggers = run.Triggers,
        attempt = run.Attempt,
        direction = run.Direction,
        dry_run = run.DryRun,
        priority = StoreText.From(run.Priority),
        queued_at = run.QueuedAt,
        not_before = run.NotBefore,
        started_at = run.StartedAt,
        finished_at = run.FinishedAt,
        duration_seconds = run.Duration?.TotalSeconds,
        message = run.Message,
        summary = run.Summary is { } s
            ? new { creates = s.Creates, updates = s.Updates, deletes = s.Deletes, unchanged = s.Unchanged, changes = s.Total, bytes_to_write = s.BytesToWrite }
            : null,
        source_revision = run.SourceRevision,
        verification_passed = run.VerificationPassed,
        outputs_created = run.OutputsCreated,
        commit_sha = run.CommitSha,
        worker_id = run.WorkerId,
    };

    public static object Of(LogLine line) => new { at = line.At, level = StoreText.From(line.Level), message = line.Message };

    public static bool IsActive(RunStatus status) => status is RunStatus.Queued or RunStatus.Running;
}
