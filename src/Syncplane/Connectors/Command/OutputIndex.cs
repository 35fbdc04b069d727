using System.Security.Cryptography;
using System.Text.Json;
using Syncplane.Planning;

namespace Syncplane.Connectors.Command;

/// <summary>What an output file was: size, last write time and content hash.</summary>
internal sealed record OutputState(long Size, long MtimeTicks, string Hash);

/// <summary>
/// Tells which output files an entrypoint run created or changed <em>in content</em>: a script that
/// rewrites a file with the same bytes (a new mtime) has changed nothing, so an idempotent second run
/// reports no outputs. Hashes are kept in the target's state directory between runs and recomputed only
/// for files whose size or mtime moved, so a steady-state run hashes only what the script touched.
/// </summary>
internal sealed class OutputIndex(string indexFile)
{
    /// <summary>Lists the outputs matching <paramref name="globs"/> under <paramref name="root"/>, hashing only files whose stamp differs from <paramref name="known"/>.</summary>
    public static async Task<Dictionary<string, OutputState>> CaptureAsync(
        string root,
        IReadOnlyList<Glob> globs,
        IReadOnlyDictionary<string, OutputState> known,
        CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, OutputState>(StringComparer.Ordinal);
        foreach (var (key, stamp) in FileStamps.List(root, globs))
        {
            if (known.TryGetValue(key, out var old) && old.Size == stamp.Size && old.MtimeTicks == stamp.MtimeTicks)
            {
                states[key] = old;
                continue;
            }

            var hash = await HashAsync(Path.Combine(root, key), cancellationToken);
            if (hash is not null)
            {
                states[key] = new OutputState(stamp.Size, stamp.MtimeTicks, hash);
            }
        }

        return states;
    }

    /// <summary>Keys that are new in <paramref name="after"/> or whose content hash differs, in ordinal order.</summary>
    public static IReadOnlyList<string> CreatedOrChanged(IReadOnlyDictionary<string, OutputState> before, IReadOnlyDictionary<string, OutputState> after) =>
        after.Where(a => !before.TryGetValue(a.Key, out var old) || old.Hash != a.Value.Hash)
            .Select(a => a.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The states saved by the previous run; empty when there is none or it is unreadable.</summary>
    public async Task<Dictionary<string, OutputState>> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(indexFile);
            return await JsonSerializer.DeserializeAsync<Dictionary<string, OutputState>>(stream, cancellationToken: cancellationToken)
                ?? new Dictionary<string, OutputState>(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // No index yet (first run) or a damaged one: every output is hashed afresh.
            return new Dictionary<string, OutputState>(StringComparer.Ordinal);
        }
    }

    /// <summary>Saves the states atomically (temp file + rename) for the next run.</summary>
    public async Task SaveAsync(IReadOnlyDictionary<string, OutputState> states, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(indexFile)!);
        var temp = indexFile + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, states, cancellationToken: cancellationToken);
        }

        File.Move(temp, indexFile, overwrite: true);
    }

    private static async Task<string?> HashAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // Vanished or unreadable between listing and hashing: not an output we can speak for.
            return null;
        }
    }
}
