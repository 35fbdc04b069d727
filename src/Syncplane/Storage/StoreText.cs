using System.Text;
using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Storage;

/// <summary>
/// How enums and lists are spelled in the database. Shared by every dialect so that a row means
/// the same thing in SQLite and PostgreSQL and stays readable with a plain SQL client.
/// </summary>
internal static class StoreText
{
    public static string From(RunStatus status) => status switch
    {
        RunStatus.Queued => "queued",
        RunStatus.Running => "running",
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Refused => "refused",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    public static RunStatus ToRunStatus(string text) => text switch
    {
        "queued" => RunStatus.Queued,
        "running" => RunStatus.Running,
        "succeeded" => RunStatus.Succeeded,
        "failed" => RunStatus.Failed,
        "refused" => RunStatus.Refused,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"unknown run status '{text}' in the store"),
    };

    public static string From(RunPriority priority) => priority switch
    {
        RunPriority.Scheduled => "scheduled",
        RunPriority.Event => "event",
        RunPriority.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "unknown run priority"),
    };

    public static string From(LogLevel level) => level switch
    {
        LogLevel.Info => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown log level"),
    };

    public static LogLevel ToLogLevel(string text) => text switch
    {
        "info" => LogLevel.Info,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => throw new InvalidDataException($"unknown log level '{text}' in the store"),
    };

    public static string From(ItemKind kind) => kind switch
    {
        ItemKind.File => "file",
        ItemKind.Directory => "directory",
        ItemKind.Symlink => "symlink",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown item kind"),
    };

    public static ItemKind ToItemKind(string text) => text switch
    {
        "file" => ItemKind.File,
        "directory" => ItemKind.Directory,
        "symlink" => ItemKind.Symlink,
        _ => throw new InvalidDataException($"unknown item kind '{text}' in the store"),
    };

    /// <summary>A JSON array of strings, written without reflection so trimming and AOT stay safe.</summary>
    public static string ToJsonArray(IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyList<string> FromJsonArray(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var values = new List<string>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            values.Add(element.GetString() ?? string.Empty);
        }

        return values;
    }
}
