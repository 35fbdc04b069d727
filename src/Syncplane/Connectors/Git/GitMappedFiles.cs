using Syncplane.Connectors.Directory;
using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>Reads a checkout through a <see cref="GitPathMap"/>: each mapped file or folder under its destination path.</summary>
internal sealed class GitMappedFiles(GitPathMap map, string repository, ConnectorContext context)
{
    private static readonly IReadOnlyList<Glob> GitMetadata = [Glob.Parse(".git"), Glob.Parse(".git/**")];

    /// <summary>The mapped items by destination key, and where each one is in the checkout.</summary>
    internal sealed class Result
    {
        private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

        public List<Item> Items { get; } = [];

        public string LocalPath(Item item) => _paths[item.Key];

        /// <summary>A later entry that lands on the same path wins, as with successive <c>cp</c> commands.</summary>
        public void Add(Item item, string path)
        {
            if (_paths.ContainsKey(item.Key))
            {
                Items.RemoveAll(i => i.Key == item.Key);
            }

            Items.Add(item);
            _paths[item.Key] = path;
        }
    }

    /// <exception cref="FileNotFoundException">A mapped path is not in the checkout.</exception>
    public async Task<Result> SnapshotAsync(string where, CancellationToken cancellationToken)
    {
        var result = new Result();
        foreach (var (source, destination) in map.Entries)
        {
            var path = Path.Combine(repository, source);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } link)
            {
                result.Add(new Item(destination, ItemKind.Symlink, System.Text.Encoding.UTF8.GetByteCount(link), info.LastWriteTimeUtc.Ticks, LinkTarget: link), path);
            }
            else if (info.Exists)
            {
                result.Add(new Item(destination, ItemKind.File, info.Length, info.LastWriteTimeUtc.Ticks, (int)info.UnixFileMode), path);
            }
            else if (System.IO.Directory.Exists(path))
            {
                var folder = await new DirectorySource(new DirectoryOptions(path, [], GitMetadata), context).SnapshotAsync(cancellationToken);
                foreach (var item in GitSource.WithoutEmptyDirectories(folder.Items.Values))
                {
                    result.Add(item with { Key = $"{destination}/{item.Key}" }, Path.Join(path, item.Key));
                }
            }
            else
            {
                throw new FileNotFoundException($"git source map: '{source}' is not in {where}; nothing was written");
            }
        }

        return result;
    }
}
