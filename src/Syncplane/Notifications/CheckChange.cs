using System.Text.Json;
using Syncplane.Events;

namespace Syncplane.Notifications;

/// <summary>A check's status change, as read from its <c>check.changed</c> event.</summary>
internal sealed record CheckChange
{
    public required long EventId { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The check's name.</summary>
    public required string Name { get; init; }

    public required string Kind { get; init; }

    /// <summary>healthy, degraded, down or unknown.</summary>
    public required string Status { get; init; }

    /// <summary>The status before; unknown for a check's first result.</summary>
    public required string Previous { get; init; }

    /// <summary>The kind's own word (Synced, Behind, Diverged, OutOfSync, …), when it has one.</summary>
    public string? State { get; init; }

    public string? Message { get; init; }

    /// <summary>The change of a <c>check.changed</c> event; null for any other event.</summary>
    public static CheckChange? From(SyncEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != EventTypes.CheckChanged)
        {
            return null;
        }

        using var document = JsonDocument.Parse(e.Data);
        var data = document.RootElement;
        return new CheckChange
        {
            EventId = e.Id,
            At = e.At,
            Name = Text(data, "name") ?? "",
            Kind = Text(data, "kind") ?? "",
            Status = Text(data, "status") ?? "unknown",
            Previous = Text(data, "previous") ?? "unknown",
            State = Text(data, "state"),
            Message = Text(data, "message"),
        };
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
