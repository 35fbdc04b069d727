using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Webhooks;

namespace Syncplane.Documents;

/// <summary>Reads a target's <c>events</c>; they patch a document or a sql table, so the target's destination must be one.</summary>
internal static class DocumentEventsBinder
{
    public static readonly string[] Providers = [WebhookProviders.PubSub, WebhookProviders.CloudEvents];

    public static DocumentEvents? Bind(ConfigNode target, ConnectorConfig? destination, ConfigReader reader)
    {
        if (target["events"] is not { IsNull: false } node || !reader.Mapping(node, "'events'", Providers))
        {
            return null;
        }

        if (destination is not null && destination.Type is not (ConnectorTypes.Document or ConnectorTypes.Sql))
        {
            reader.Error(node, $"'events' patch one record at a time, which a {destination.Type} destination cannot take; use a document or sql destination, or leave 'events' out");
        }

        var sources = new Dictionary<string, EventSourceConfig>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries)
        {
            if (value.IsNull)
            {
                sources[key.Value!] = new EventSourceConfig(null);
            }
            else if (reader.Mapping(value, $"events.{key.Value}", "subscription"))
            {
                sources[key.Value!] = new EventSourceConfig(reader.Text(value, "subscription"));
            }
        }

        if (sources.Count == 0)
        {
            reader.Error(node, "'events' names no source; use events: { pubsub: {} } or events: { cloudevents: {} }");
        }

        return new DocumentEvents { Sources = sources };
    }
}
