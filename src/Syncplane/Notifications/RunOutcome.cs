using System.Text.Json;
using Syncplane.Events;

namespace Syncplane.Notifications;

/// <summary>How a run ended, as read from its <c>run.&lt;status&gt;</c> event.</summary>
internal sealed record RunOutcome
{
    /// <summary>The run end event types a notifier follows.</summary>
    public static readonly string[] EventTypeNames = [EventTypes.RunSucceeded, EventTypes.RunFailed, EventTypes.RunRefused, EventTypes.RunCancelled];

    public required long EventId { get; init; }

    /// <summary>run.failed, run.succeeded, …</summary>
    public required string Event { get; init; }

    public required DateTimeOffset At { get; init; }

    public required long RunId { get; init; }

    public required string Target { get; init; }

    /// <summary>failed, succeeded, refused or cancelled.</summary>
    public required string Status { get; init; }

    public string? Message { get; init; }

    public int? Attempt { get; init; }

    public string? Trigger { get; init; }

    public bool DryRun { get; init; }

    public int? Creates { get; init; }

    public int? Updates { get; init; }

    public int? Deletes { get; init; }

    public long? DurationMs { get; init; }

    /// <summary>The source's revision (git commit SHA), when it has one.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>What the run synced: the git source's SHA, the commit git_commit made, or a content hash.</summary>
    public string? Revision { get; init; }

    /// <summary>The commit the git_commit step made in this run.</summary>
    public string? CommitSha { get; init; }

    /// <summary>A real run that succeeded and wrote, deleted or committed something.</summary>
    public bool Changed { get; init; }

    /// <summary>A success after the target's previous finished run failed (filled in by the dispatcher).</summary>
    public bool Recovered { get; init; }

    /// <summary>The outcome of a run end event; null for any other event.</summary>
    public static RunOutcome? From(SyncEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!EventTypeNames.Contains(e.Type) || e.Target is null || e.RunId is not { } runId)
        {
            return null;
        }

        using var document = JsonDocument.Parse(e.Data);
        var data = document.RootElement;
        return new RunOutcome
        {
            EventId = e.Id,
            Event = e.Type,
            At = e.At,
            RunId = runId,
            Target = e.Target,
            Status = e.Type["run.".Length..],
            Message = Text(data, "message"),
            Attempt = (int?)Number(data, "attempt"),
            Trigger = Text(data, "trigger"),
            DryRun = data.TryGetProperty("dry_run", out var dry) && dry.ValueKind == JsonValueKind.True,
            Creates = (int?)Number(data, "creates"),
            Updates = (int?)Number(data, "updates"),
            Deletes = (int?)Number(data, "deletes"),
            DurationMs = Number(data, "duration_ms"),
            SourceRevision = Text(data, "source_revision"),
            Revision = Text(data, "revision"),
            CommitSha = Text(data, "commit_sha"),
            Changed = data.TryGetProperty("changed", out var changed) && changed.ValueKind == JsonValueKind.True,
        };
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
