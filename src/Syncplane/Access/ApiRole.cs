namespace Syncplane.Access;

/// <summary>What an API token may do; each role includes the ones below it.</summary>
public enum ApiRole
{
    /// <summary>Read targets, runs, logs, events, checks, metrics.</summary>
    Viewer = 1,

    /// <summary>Also trigger, retry and cancel runs.</summary>
    Operator = 2,

    /// <summary>Also change settings (frequency, pause) and read the audit log.</summary>
    Admin = 3,
}

/// <summary>How roles are spelled in config, the CLI, the store and the API.</summary>
public static class ApiRoles
{
    public static string Name(ApiRole role) => role switch
    {
        ApiRole.Viewer => "viewer",
        ApiRole.Operator => "operator",
        ApiRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };

    public static bool TryParse(string? text, out ApiRole role)
    {
        role = text switch
        {
            "viewer" => ApiRole.Viewer,
            "operator" => ApiRole.Operator,
            "admin" => ApiRole.Admin,
            _ => 0,
        };
        return role != 0;
    }
}
