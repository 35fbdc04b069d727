using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Checks;

/// <summary>
/// Writes the status file (<see cref="CheckStatusDocument"/>) over the newest stored result of every declared
/// check, so running some checks keeps the others' last results and <c>overall</c> covers them all, and a
/// check removed from the config drops out.
/// </summary>
/// <remarks>
/// Writers (<c>syncplane check</c>, the check scheduler of <c>syncplane serve</c>) take an exclusive lock on a
/// lock file next to the status file while they read the store and replace the file, and replace it with a
/// rename: a reader sees the old document or the new one, never a mix, and a slower writer cannot put back
/// results older than the ones another writer already wrote.
/// </remarks>
internal static class CheckStatusFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How long a writer waits for another one to finish. <value>30 seconds</value></summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The status file of <paramref name="config"/>: <c>checks.status_file</c>, else status.json in the state directory.</summary>
    public static string PathFor(SyncplaneConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Checks.StatusFile ?? Path.Combine(config.StateDirectory, "status.json");
    }

    /// <summary>Writes the document for <paramref name="checks"/> to <paramref name="path"/> and returns it.</summary>
    /// <param name="path">The status file.</param>
    /// <param name="checks">The declared checks: the document has the newest stored result of each, in config order.</param>
    /// <param name="store">Where the results are.</param>
    /// <param name="timestamp">The document's <c>timestamp</c>: when the checks that led to this write ran.</param>
    /// <param name="time">Paces the wait for the lock.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<JsonObject> WriteAsync(
        string path, ChecksConfig checks, ISyncStore store, DateTimeOffset timestamp, TimeProvider time, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        System.IO.Directory.CreateDirectory(directory);
        await using var held = await LockAsync(Path.Combine(directory, $".{Path.GetFileName(path)}.lock"), time, cancellationToken);
        var latest = (await store.ListLatestCheckResultsAsync(cancellationToken)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var results = checks.Items.Select(c => latest.GetValueOrDefault(c.Name)).OfType<CheckResult>().ToList();
        var document = CheckStatusDocument.Build(results, checks, timestamp);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():n}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, document.ToJsonString(Indented) + "\n", CancellationToken.None);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return document;
    }

    // FileShare.None is an exclusive flock on Unix: it holds across processes and is released when a writer dies.
    private static async Task<FileStream> LockAsync(string lockFile, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetElapsedTime(started) < LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
            }
        }
    }
}
