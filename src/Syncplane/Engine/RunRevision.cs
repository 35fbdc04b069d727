using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Syncplane.Connectors.Command;
using Syncplane.Planning;

namespace Syncplane.Engine;

/// <summary>
/// The revision of a successful run, so every target has one for notifiers (<c>{revision}</c>): the git source's
/// commit SHA; else the commit the git_commit step made; else a SHA-256 over what was synced, the same from run to
/// run while nothing changes.
/// </summary>
internal static class RunRevision
{
    /// <summary>
    /// For a source/destination target: over the source snapshot's keys, kinds, sizes, modification times, modes,
    /// hashes and link targets, which is what the planner compares.
    /// </summary>
    public static string Of(Snapshot source, string? commit)
    {
        if ((source.Revision ?? commit) is { } known)
        {
            return known;
        }

        // Hashed in pieces of whole lines, not as one text: at 100,000 items that text alone is 15 MB.
        var items = source.Items.Values.ToArray();
        Array.Sort(items, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Key}\0{item.Kind}\0{item.Size}\0{item.MtimeTicks}\0{item.Mode}\0{item.Hash}\0{item.LinkTarget}\n");
            if (text.Length >= 1 << 15)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
                text.Clear();
            }
        }

        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>For an entrypoint target: over the names and content hashes of the files its <c>outputs</c> match.</summary>
    public static async Task<string> OfFilesAsync(string root, IReadOnlyList<Glob> outputs, CancellationToken cancellationToken)
    {
        var states = await OutputIndex.CaptureAsync(root, outputs, new Dictionary<string, OutputState>(), cancellationToken);
        return Hash(string.Concat(states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}\0{s.Value.Hash}\n")));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
