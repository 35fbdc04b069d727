using System.CommandLine;
using Syncplane.Storage.Rollups;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane prune</c>: deletes raw history past the config's <c>retention:</c> now (what <c>serve</c> does every hour).</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var command = new Command("prune", "Delete runs, logs, events, check results and webhook delivery ids older than the retention policy; rollups stay") { config, store };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var policy = session.Config.Retention;
            Console.WriteLine(Retention.Describe(await session.Store.PruneAsync(policy, ct), policy));
            return ExitCodes.Success;
        });
        return command;
    }
}
