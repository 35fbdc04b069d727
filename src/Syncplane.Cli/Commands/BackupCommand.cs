using System.CommandLine;
using Microsoft.Data.Sqlite;
using Syncplane.Config;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane backup --to FILE</c>: a consistent copy of the SQLite store while everything keeps running.</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var to = new Option<string>("--to") { Description = "The new file to copy the store into (an existing file is never replaced)", HelpName = "FILE", Required = true };
        var command = new Command("backup", "Copy the SQLite store into a new file, safely while serve, workers and runs write to it") { config, store, to };
        command.SetAction(result => Run(result.GetValue(config)!, result.GetValue(store), Path.GetFullPath(result.GetValue(to)!)));
        return command;
    }

    private static int Run(string configPath, string? storeOption, string destination)
    {
        if (ConfigFile.LoadOrReport(configPath) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        StoreLocation location;
        try
        {
            location = StoreFactory.Locate(config, storeOption, SecretResolver.ForConfig(config));
        }
        catch (SecretException ex)
        {
            return Fail($"cannot locate the store: {ex.Message}");
        }

        if (location.SqlitePath is not { } database)
        {
            return Fail("the store is PostgreSQL: back it up with pg_dump (syncplane backup copies a SQLite store)");
        }

        if (!File.Exists(database))
        {
            return Fail($"no SQLite store at {database}");
        }

        if (File.Exists(destination) || Directory.Exists(destination))
        {
            return Fail($"{destination} exists; a backup never replaces a file: choose a new name");
        }

        if (!Directory.Exists(Path.GetDirectoryName(destination)))
        {
            return Fail($"the directory of {destination} does not exist");
        }

        try
        {
            var bytes = SqliteBackup.Copy(database, destination);
            Console.WriteLine($"backed up {database} to {destination} ({bytes} bytes)");
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or SqliteException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: backup failed, nothing was written to {destination}: {ex.Message}");
            return ExitCodes.TargetFailed;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.InvalidInput;
    }
}
