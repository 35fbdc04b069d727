using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Syncplane.Cli.Analytics;

/// <summary>Writes <see cref="AnalyticsRow"/>s as NDJSON, CSV (RFC 4180, a header row) or Parquet.</summary>
internal static class AnalyticsWriter
{
    public static readonly string[] Formats = ["ndjson", "csv", "parquet"];

    private static readonly PropertyInfo[] Columns = typeof(AnalyticsRow).GetProperties();

    private static readonly JsonSerializerOptions Json = new() { Converters = { new UtcConverter() } };

    public static async Task WriteAsync(IReadOnlyList<AnalyticsRow> rows, string format, Stream output, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case "parquet":
                await ParquetSerializer.SerializeAsync(rows, output, cancellationToken: cancellationToken);
                return;
            case "ndjson":
            {
                await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
                foreach (var row in rows)
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(row, Json));
                }

                return;
            }

            default:
            {
                await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
                await writer.WriteLineAsync(string.Join(',', Columns.Select(c => c.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name)));
                foreach (var row in rows)
                {
                    await writer.WriteLineAsync(string.Join(',', Columns.Select(c => Csv(c.GetValue(row)))));
                }

                return;
            }
        }
    }

    // Empty for null (BigQuery reads it as NULL); times as RFC 3339 UTC; text quoted when it needs to be.
    private static string Csv(object? value) => value switch
    {
        null => "",
        DateTime time => UtcConverter.Format(time),
        string text when text.IndexOfAny([',', '"', '\n', '\r']) >= 0 => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private sealed class UtcConverter : JsonConverter<DateTime>
    {
        public static string Format(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));
    }
}
