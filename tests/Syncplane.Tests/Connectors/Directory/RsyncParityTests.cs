using System.Runtime.Versioning;
using System.Text;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Directory;

/// <summary>Mirroring a tricky tree with Syncplane gives exactly what <c>rsync -a --delete</c> gives.</summary>
[SupportedOSPlatform("linux")]
public sealed class RsyncParityTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Mirror_TrickyTreeTwice_MatchesRsync()
    {
        Assert.True(File.Exists(Rsync.Path), "rsync is required for the parity test");
        var src = _tmp["src"];
        BuildTrickyTree(src);
        StampTimes(src, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        await MirrorBothAndCompare(src);

        ChangeTrickyTree(src);
        StampTimes(src, new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await MirrorBothAndCompare(src);
    }

    private async Task MirrorBothAndCompare(string src)
    {
        var ours = _tmp["syncplane"];
        var theirs = _tmp["rsync"];
        await DirectorySync.MirrorAsync(src, ours);
        await Rsync.MirrorAsync(src, theirs);

        var expected = TreeListing.Describe(theirs);
        var actual = TreeListing.Describe(ours);
        Assert.Equal(TreeListing.Describe(src), expected); // rsync itself is a faithful mirror of the source
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        Assert.True((await DirectorySync.MirrorAsync(src, ours)).IsEmpty, "a second run must find nothing to do");
    }

    private void BuildTrickyTree(string src)
    {
        _tmp.Write("src/plain.txt", "plain");
        _tmp.Write("src/with spaces/and more spaces.txt", "spaces");
        _tmp.Write("src/ünïcødé/日本語のファイル.txt", "unicode");
        _tmp.Write("src/ünïcødé/emoji 🚀.md", "rocket");
        _tmp.Write("src/.hidden/.dotfile", "hidden");
        _tmp.Write("src/empty-file", "");
        _tmp.Write("src/replace-me", "a file that becomes a directory");
        _tmp.Write("src/becomes-file/inner.txt", "a directory that becomes a file");
        System.IO.Directory.CreateDirectory(Path.Combine(src, "empty-dir", "nested-empty"));

        var deep = new StringBuilder("deep");
        for (var level = 0; level < 50; level++)
        {
            deep.Append("/level-").Append(level);
        }

        _tmp.Write(Path.Combine("src", deep.ToString(), "bottom.txt"), "fifty levels down");

        var exec = _tmp.Write("src/bin/run.sh", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(exec, (UnixFileMode)0x1ED); // 0755
        var secret = _tmp.Write("src/private.key", "k");
        File.SetUnixFileMode(secret, (UnixFileMode)0x180); // 0600
        File.SetUnixFileMode(Path.Combine(src, "with spaces"), (UnixFileMode)0x1E8); // 0750
        var shared = _tmp.Write("src/group-writable.txt", "g+w survives the umask");
        File.SetUnixFileMode(shared, (UnixFileMode)0x1B6); // 0666

        File.CreateSymbolicLink(Path.Combine(src, "link-to-file"), "plain.txt");
        File.CreateSymbolicLink(Path.Combine(src, "link-to-dir"), "ünïcødé");
        File.CreateSymbolicLink(Path.Combine(src, "dangling link"), "does/not/exist");
        File.CreateSymbolicLink(Path.Combine(src, "absolute-link"), "/etc/hostname");

        WriteLargeFile(Path.Combine(src, "big", "200mb.bin"), 200 * 1024 * 1024);

        var old = new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(Path.Combine(src, "plain.txt"), old);
    }

    private void ChangeTrickyTree(string src)
    {
        File.Delete(Path.Combine(src, "replace-me"));
        _tmp.Write("src/replace-me/now-a-directory.txt", "inside");
        System.IO.Directory.Delete(Path.Combine(src, "becomes-file"), recursive: true);
        _tmp.Write("src/becomes-file", "now a file");
        File.Delete(Path.Combine(src, "link-to-file"));
        File.CreateSymbolicLink(Path.Combine(src, "link-to-file"), "with spaces/and more spaces.txt");
        File.Delete(Path.Combine(src, "ünïcødé", "emoji 🚀.md"));
        System.IO.Directory.Delete(Path.Combine(src, "empty-dir", "nested-empty"));
        _tmp.Write("src/plain.txt", "plain, edited");
        File.SetUnixFileMode(Path.Combine(src, "bin", "run.sh"), (UnixFileMode)0x1C0); // 0700
        using (var big = new FileStream(Path.Combine(src, "big", "200mb.bin"), FileMode.Open))
        {
            big.Position = 100 * 1024 * 1024;
            big.Write("same size, new bytes in the middle"u8);
        }
    }

    /// <summary>
    /// Gives every file and directory a distinct mtime in the past, with sub-second digits. rsync's quick
    /// check and its directory-time pass compare whole seconds, so a tree written and mirrored within the
    /// same second would make rsync itself an unreliable reference.
    /// </summary>
    private static void StampTimes(string root, DateTime baseTime)
    {
        var entries = new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => e.LinkTarget is null)
            .OrderByDescending(e => e.FullName.Length) // children before their directories
            .ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].LastWriteTimeUtc = baseTime.AddSeconds(i * 7).AddTicks(1234567);
        }
    }

    private static void WriteLargeFile(string path, int size)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var block = new byte[1024 * 1024];
        new Random(42).NextBytes(block);
        using var stream = new FileStream(path, FileMode.CreateNew);
        for (var written = 0; written < size; written += block.Length)
        {
            block[0] = (byte)(written >> 20); // no two blocks alike
            stream.Write(block);
        }
    }
}
