using System.Text.Json;

namespace Syncplane.Connectors.Gcp;

/// <summary>What a Google API error response says: <c>{"error": {"code", "message", "status"}}</c>, or the start of any other body.</summary>
internal static class GoogleApiError
{
    private const int MaxLength = 300;

    /// <summary>"PERMISSION_DENIED: The caller does not have permission", or null for an empty body.</summary>
    public static string? Describe(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return Shorten(string.Join(": ", new[] { status, message }.Where(p => !string.IsNullOrEmpty(p))));
            }
        }
        catch (JsonException)
        {
            // Not Google's error format (a proxy's page): its first words are shown instead.
        }

        return Shorten(body);
    }

    private static string Shorten(string text)
    {
        var flat = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return flat.Length <= MaxLength ? flat : flat[..MaxLength] + "…";
    }
}
