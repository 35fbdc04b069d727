using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Syncplane.Cli;

/// <summary>
/// How syncplane writes its log lines (serve / worker / scheduler lines, run progress, errors): as text, or with
/// <c>--log-format json</c> as one JSON object per line (<c>timestamp</c>, <c>level</c>, <c>message</c>, then fields such as
/// <c>target</c> and <c>run_id</c>). The message is the text line's, secrets already masked; command results that are
/// data (<c>--json</c>, tables, reports) are not logs and never pass through here.
/// </summary>
internal static class LogOutput
{
    /// <summary>The global <c>--log-format</c> option.</summary>
    public static Option<string> FormatOption { get; } = new Option<string>("--log-format")
    {
        Description = "How log lines are written: text, or json (one object per line: timestamp, level, message, target, run_id, ...)",
        DefaultValueFactory = _ => "text",
        HelpName = "text|json",
        Recursive = true,
    }.AcceptOnlyFromAmong("text", "json");

    /// <summary>Set once, from <see cref="FormatOption"/>, before a command runs.</summary>
    public static bool Json { get; set; }

    /// <summary>
    /// Writes one log line: <paramref name="text"/> as it is in text mode; in JSON mode an object with
    /// <paramref name="message"/> and the fields whose value is not null.
    /// </summary>
    public static void Write(TextWriter writer, string text, DateTimeOffset at, string level, string message, params (string Name, object? Value)[] fields)
    {
        writer.WriteLine(Json ? ToJson(at, level, message, fields) : text);
    }

    /// <summary>An error the user must see, on standard error: <c>error: MESSAGE</c> in text mode.</summary>
    public static void Error(string message) =>
        Write(Console.Error, $"error: {message}", TimeProvider.System.GetUtcNow(), "error", message);

    /// <summary>A log line from the host (serve, worker, scheduler, checks, notifier): text mode prefixes the time.</summary>
    /// <param name="source">What wrote it; by default the word before the line's first colon ("scheduler: ...").</param>
    public static void Host(DateTimeOffset at, string line, string level = "info", string? source = null, params (string Name, object? Value)[] fields) =>
        Write(Console.Out, $"{Stamp(at)} {line}", at, level, line, [("source", source ?? Source(line)), .. fields]);

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The word before the first colon of a host line ("scheduler: ...", "notifier slack: ..."), naming what wrote it.</summary>
    private static string? Source(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && line[..colon].Split(' ')[0] is { Length: > 0 } word && word.All(char.IsAsciiLetterLower) ? word : null;
    }

    private static string ToJson(DateTimeOffset at, string level, string message, (string Name, object? Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonLines.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", Stamp(at));
            json.WriteString("level", level);
            json.WriteString("message", message);
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case null:
                        break;
                    case bool b:
                        json.WriteBoolean(name, b);
                        break;
                    case long l:
                        json.WriteNumber(name, l);
                        break;
                    case int i:
                        json.WriteNumber(name, i);
                        break;
                    case double d:
                        json.WriteNumber(name, d);
                        break;
                    default:
                        json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Built on the first JSON line only: the encoder's tables cost every text-mode command's start-up otherwise.</summary>
    private static class JsonLines
    {
        public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    }
}
