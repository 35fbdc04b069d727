using System.Globalization;
using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>JSON helpers shared by the provider parsers.</summary>
internal static class JsonPayload
{
    private const int MaxFlattenedFields = 1000;
    private const int MaxFlattenDepth = 8;

    /// <summary>Parses a JSON object, or rejects with 400 and the parser's position.</summary>
    public static JsonElement ParseObject(ReadOnlyMemory<byte> body, string what)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw WebhookRejectedException.BadRequest($"malformed JSON in {what} at line {line}, byte {position}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw WebhookRejectedException.BadRequest($"{what} must be a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}");
        }

        return root;
    }

    public static JsonElement? Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? String(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The element at a dotted path such as <c>repository.full_name</c>.</summary>
    public static string? StringAt(this JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            if (current.Property(part) is not { } next)
            {
                return null;
            }

            current = next;
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : null;
    }

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>A scalar as the text a matcher compares with: strings as-is, numbers as written, true/false.</summary>
    public static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Adds every scalar under <paramref name="element"/> as <c>prefix.a.b</c> → text (arrays are skipped).</summary>
    public static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into, int depth = 0)
    {
        if (element.ValueKind != JsonValueKind.Object || depth >= MaxFlattenDepth)
        {
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (into.Count >= MaxFlattenedFields)
            {
                return;
            }

            var key = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            if (ScalarText(property.Value) is { } text)
            {
                into.TryAdd(key, text);
            }
            else
            {
                Flatten(property.Value, key, into, depth + 1);
            }
        }
    }

    /// <summary>Cuts user-supplied text for summaries and reasons, and blanks control characters so it cannot forge log lines.</summary>
    public static string Short(string? text, int max = 80)
    {
        if (text is null)
        {
            return "";
        }

        var clean = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
        return clean.Length <= max ? clean : string.Concat(clean.AsSpan(0, max - 1), "…");
    }

    public static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
