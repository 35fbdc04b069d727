using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The JSON body of a POST page request: written in YAML, kept with its secret references, resolved for each request.
/// </summary>
/// <remarks>
/// Unquoted YAML scalars keep their JSON type (<c>10</c> a number, <c>true</c> a boolean, <c>null</c> null); everything
/// else, and every scalar with a secret reference, is a string.
/// </remarks>
internal static partial class RequestBody
{
    /// <summary>The body in <paramref name="node"/> (a mapping), or null after reporting why it is not one.</summary>
    public static JsonObject? Bind(ConfigNode node, ConfigReader reader)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"'body' must be a mapping (sent as a JSON object), found {node.Describe()}");
            return null;
        }

        return (JsonObject?)Convert(node, reader, "body");
    }

    /// <summary>
    /// The body as JSON text with every secret reference resolved, and <paramref name="token"/> (when not null) set as the
    /// top-level field <paramref name="tokenField"/>.
    /// </summary>
    /// <exception cref="SecretException">A referenced variable is unset or a file is missing.</exception>
    public static string Render(JsonObject? body, SecretResolver secrets, string? tokenField, string? token)
    {
        var resolved = body is null ? [] : (JsonObject)Resolve(body, secrets)!;
        if (tokenField is not null && token is not null)
        {
            resolved[tokenField] = token;
        }

        return resolved.ToJsonString();
    }

    private static JsonNode? Resolve(JsonNode? node, SecretResolver secrets) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, secrets)))),
        JsonArray a => new JsonArray([.. a.Select(i => Resolve(i, secrets))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(secrets.Resolve(v.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Convert(ConfigNode node, ConfigReader reader, string where)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in node.Entries)
                {
                    var name = key.Value ?? "";
                    if (!obj.TryAdd(name, Convert(value, reader, $"{where}.{name}")))
                    {
                        reader.Error(key, $"'{where}' has the field '{name}' twice");
                    }
                }

                return obj;
            case ConfigNodeKind.Sequence:
                return new JsonArray([.. node.Items.Select((item, i) => Convert(item, reader, $"{where}.{i}"))]);
            default:
                return Scalar(node, reader, where);
        }
    }

    private static JsonNode? Scalar(ConfigNode node, ConfigReader reader, string where)
    {
        if (node.Value is not { } text)
        {
            return null;
        }

        if (SecretResolver.SyntaxError(text) is { } error)
        {
            reader.Error(node, $"'{where}': {error}");
        }

        if (node.Quoted || SecretResolver.HasReference(text))
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when JsonNumberRegex().IsMatch(text) => JsonNode.Parse(text),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumberRegex();
}
