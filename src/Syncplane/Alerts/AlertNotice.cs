using System.Text.Json;
using System.Text.Json.Serialization;

namespace Syncplane.Alerts;

/// <summary>What a notification says about one transition; stored as the outbox row's payload and shaped per channel when sent.</summary>
internal sealed record AlertNotice
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required long AlertId { get; init; }

    public required string Rule { get; init; }

    /// <summary>target or check.</summary>
    public required string Kind { get; init; }

    /// <summary>The target's or check's name.</summary>
    public required string Subject { get; init; }

    /// <summary>firing or resolved.</summary>
    public required string Transition { get; init; }

    public required string Severity { get; init; }

    /// <summary>The rule's <c>when:</c> as written.</summary>
    public required string Condition { get; init; }

    /// <summary>The metric's value at the transition as people read it (0.9, 6h, 3, down); null when there was none.</summary>
    public string? Value { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>Stable per rule × subject: PagerDuty's <c>dedup_key</c>, so a resolve closes the incident its trigger opened.</summary>
    [JsonIgnore]
    public string DedupKey => $"syncplane/{Rule}/{Kind}/{Subject}";

    /// <summary>One line: "[FIRING] sync-failure on target lz-docs: success_rate &lt; 0.95 (now 0.5)".</summary>
    [JsonIgnore]
    public string Summary => Transition == AlertTransitions.Firing
        ? $"[FIRING] {Rule} on {Kind} {Subject}: {Condition}{(Value is null ? "" : $" (now {Value})")}"
        : $"[RESOLVED] {Rule} on {Kind} {Subject}: {Condition} no longer holds{(Value is null ? "" : $" (now {Value})")}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AlertNotice FromJson(string json) => JsonSerializer.Deserialize<AlertNotice>(json, Json)!;
}
