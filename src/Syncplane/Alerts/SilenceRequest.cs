using System.Globalization;
using System.Text.Json;
using Syncplane.Config;

namespace Syncplane.Alerts;

/// <summary>A silence as asked for through the API or the CLI, checked: matchers, an end in the future, a comment.</summary>
public sealed record SilenceRequest(IReadOnlyDictionary<string, string> Matchers, DateTimeOffset Until, string Comment)
{
    /// <summary>The longest silence: a forgotten one must not hide alerts for ever.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public const string Shape = "the body must be a JSON object like {\"matchers\": {\"rule\": \"sync-failure\", \"target\": \"lz-*\"}, \"duration\": \"2h\", \"comment\": \"maintenance\"} (or \"until\": \"2026-12-01T18:00:00Z\" instead of duration)";

    /// <summary>Checks the parts; null with <paramref name="error"/> when one is wrong.</summary>
    public static SilenceRequest? Create(IReadOnlyDictionary<string, string> matchers, string? duration, string? until, string? comment, DateTimeOffset now, out string? error)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        if (AlertSilences.Validate(matchers) is { } invalid)
        {
            error = invalid;
            return null;
        }

        DateTimeOffset end;
        if ((duration is null) == (until is null))
        {
            error = "give either a duration (such as 2h) or an until time (UTC, such as 2026-12-01T18:00:00Z)";
            return null;
        }

        if (duration is not null)
        {
            if (!DurationParser.TryParse(duration, out var span))
            {
                error = $"'{duration}' is not a duration such as 30m, 2h or 1d";
                return null;
            }

            end = now + span;
        }
        else if (!DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            error = $"'{until}' is not a time; write it in UTC such as 2026-12-01T18:00:00Z";
            return null;
        }

        if (end <= now || end - now > MaxDuration)
        {
            error = $"a silence must end in the future and within {DurationParser.Format(MaxDuration)}";
            return null;
        }

        error = null;
        return new SilenceRequest(matchers, end.ToUniversalTime(), comment?.Trim() ?? "");
    }

    /// <summary>Reads the API's JSON body (see <see cref="Shape"/>).</summary>
    public static SilenceRequest? Read(JsonElement body, DateTimeOffset now, out string? error)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("matchers", out var m) || m.ValueKind != JsonValueKind.Object
            || m.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            error = Shape;
            return null;
        }

        var matchers = m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return Create(matchers, Text(body, "duration"), Text(body, "until"), Text(body, "comment"), now, out error);
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
