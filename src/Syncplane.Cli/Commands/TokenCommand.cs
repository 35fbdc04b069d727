using System.CommandLine;
using System.Text.Json;
using Syncplane.Access;

namespace Syncplane.Cli.Commands;

/// <summary>
/// <c>syncplane token create|list|revoke</c>: API tokens for <c>syncplane serve</c>. A token is printed once, at
/// creation; the store keeps only its SHA-256 hash.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Create, list and revoke API tokens (roles: viewer, operator, admin)");
        command.Subcommands.Add(CreateToken());
        command.Subcommands.Add(ListTokens());
        command.Subcommands.Add(RevokeToken());
        return command;
    }

    private static Command CreateToken()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var name = new Option<string>("--name") { Description = "A unique name (shown in the audit log as token:NAME)", Required = true };
        var role = new Option<string>("--role") { Description = "viewer (read), operator (also trigger, retry, cancel) or admin (also settings and audit)", Required = true }
            .AcceptOnlyFromAmong("viewer", "operator", "admin");
        var project = new Option<string>("--project", "-p")
        {
            Description = "Scope the token to one project (a name under projects: in the config): it sees and acts on that project's targets, checks and documents only",
            HelpName = "PROJECT",
        };
        var command = new Command("create", "Create a token and print it once") { config, store, name, role, project };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var tokenName = result.GetValue(name)!.Trim();
            if (!ApiRoles.TryParse(result.GetValue(role), out var parsed) || tokenName.Length == 0)
            {
                LogOutput.Error("--name must not be empty and --role must be viewer, operator or admin");
                return ExitCodes.InvalidInput;
            }

            var scope = result.GetValue(project);
            if (!CliOptions.TryProject(session.Config, scope, out _))
            {
                return ExitCodes.InvalidInput;
            }

            var token = ApiTokens.Generate();
            try
            {
                await session.Store.CreateTokenAsync(tokenName, parsed, ApiTokens.Hash(token), ct, scope);
            }
            catch (InvalidOperationException)
            {
                LogOutput.Error($"a token named '{tokenName}' exists; revoke it or choose another name");
                return ExitCodes.InvalidInput;
            }

            await Audit.RecordAsync(session.Store, "token.create", tokenName, new { role = ApiRoles.Name(parsed), project = scope }, ct);
            Console.WriteLine(token);
            Console.Error.WriteLine($"Token '{tokenName}' ({ApiRoles.Name(parsed)}{(scope is null ? "" : ", project " + scope)}) created. It is shown only now; store it safely.");
            Console.Error.WriteLine("Use it as:  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8470/api/v1/targets");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ListTokens()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var command = new Command("list", "List tokens: names, roles, when created and revoked (never the tokens or their hashes)") { config, store, json };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var tokens = await session.Store.ListTokensAsync(ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(
                    tokens.Select(t => new { name = t.Name, role = ApiRoles.Name(t.Role), project = t.Project, created_at = t.CreatedAt, revoked_at = t.RevokedAt }), JsonOutput.Options));
                return ExitCodes.Success;
            }

            Table.Write(
                ["NAME", "ROLE", "PROJECT", "CREATED (UTC)", "REVOKED (UTC)"],
                tokens.Select(t => new[] { t.Name, ApiRoles.Name(t.Role), t.Project ?? "(all)", StatusCommand.When(t.CreatedAt), StatusCommand.When(t.RevokedAt) }).ToList());
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RevokeToken()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var name = new Option<string>("--name") { Description = "The token to revoke", Required = true };
        var command = new Command("revoke", "Revoke a token: requests with it get 401 from now on") { config, store, name };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var tokenName = result.GetValue(name)!;
            if (!await session.Store.RevokeTokenAsync(tokenName, ct))
            {
                LogOutput.Error($"no live token is named '{tokenName}'; 'syncplane token list' shows them");
                return ExitCodes.InvalidInput;
            }

            await Audit.RecordAsync(session.Store, "token.revoke", tokenName, new { }, ct);
            Console.WriteLine($"Token '{tokenName}' revoked.");
            return ExitCodes.Success;
        });
        return command;
    }
}
