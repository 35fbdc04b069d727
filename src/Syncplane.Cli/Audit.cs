using System.Text.Json;
using Syncplane.Storage;

namespace Syncplane.Cli;

/// <summary>Records the CLI's manual actions and settings changes in the audit log, as <c>cli:USER</c>.</summary>
internal static class Audit
{
    private static readonly JsonSerializerOptions Compact = new(JsonOutput.Options) { WriteIndented = false };

    /// <summary>Who runs the CLI: <c>cli:</c> and the operating-system user.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    public static Task RecordAsync(ISyncStore store, string action, string subject, object details, CancellationToken ct) =>
        store.AppendAuditAsync(Actor, action, subject, JsonSerializer.Serialize(details, Compact), ct);
}
