using System.Text.Json;
using System.Text.Json.Serialization;
using Syncplane.Events;

namespace Syncplane.Server.Api;

/// <summary>
/// Writes every timestamp of the API in one format: ISO 8601 in UTC with a <c>Z</c>, fractional seconds only
/// when there are any (<c>2026-03-01T12:00:03Z</c>, <c>2026-03-01T12:00:03.25Z</c>); reads any ISO 8601 offset.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(UtcTimestamps.Text(value));
    }
}
