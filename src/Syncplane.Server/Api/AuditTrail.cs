using System.Security.Claims;
using System.Text.Json;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>Records an API caller's manual action or settings change in the audit log.</summary>
/// <remarks>Written even when the caller hangs up: the action it records has happened.</remarks>
internal static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    public static Task RecordAsync(ServerContext context, ClaimsPrincipal user, string action, string subject, object details) =>
        context.Store.AppendAuditAsync(Policies.Actor(user), action, subject, JsonSerializer.Serialize(details, Json), CancellationToken.None);

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions();
        SyncplaneServer.ConfigureJson(json);
        return json;
    }
}
