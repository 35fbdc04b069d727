using System.Globalization;
using System.Text.Json;

namespace Syncplane.Checks;

/// <summary>A dotted path into JSON: <c>status.indicator</c>, <c>items.0.name</c> (a number indexes an array).</summary>
internal static class JsonPath
{
    /// <summary>The element at <paramref name="path"/>, or false when a step is missing.</summary>
    public static bool TryFind(JsonElement root, string path, out JsonElement found)
    {
        found = root;
        foreach (var step in path.Split('.'))
        {
            if (found.ValueKind == JsonValueKind.Object && found.TryGetProperty(step, out var child))
            {
                found = child;
            }
            else if (found.ValueKind == JsonValueKind.Array && int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < found.GetArrayLength())
            {
                found = found[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A scalar as text (strings unquoted, numbers and booleans as written); objects and arrays as JSON.</summary>
    public static string Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() ?? "",
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };
}
