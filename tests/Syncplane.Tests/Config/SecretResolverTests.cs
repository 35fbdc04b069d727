using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

public sealed class SecretResolverTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ForConfig_MasksEveryReferenceInTheFile_BeforeAnythingResolvesIt()
    {
        _dir.Write("secrets/hook", "webhook-secret-e4f2\n");
        var config = ConfigLoader.Default.Parse("""
            store: "${env:T_STORE}"
            targets:
              script:
                entrypoint: "true"
                env: { A: "${env:T_ENV}" }
                config: { b: "prefix ${env:T_CONFIG} suffix" }
              mirror:
                source: { git: { url: "https://example.com/r.git", token: "${env:T_GIT}" } }
                destination: { directory: { path: out } }
            checks:
              api: { http: { url: "https://example.com", headers: { X-Key: "${env:T_CHECK}" } } }
            notifiers:
              ops: { webhook: "${env:T_NOTIFIER}" }
            webhooks:
              github: { secret: "${file:secrets/hook}" }
              generic: { token: "${env:T_UNSET}" }
            """, _dir["syncplane.yaml"]);
        var values = new Dictionary<string, string>
        {
            ["T_STORE"] = "Host=db;Password=store-pass-11", ["T_ENV"] = "env-secret-22", ["T_CONFIG"] = "config-secret-33",
            ["T_GIT"] = "git-token-44", ["T_CHECK"] = "check-key-55", ["T_NOTIFIER"] = "https://hooks.example.com/notifier-66",
        };

        var secrets = SecretResolver.ForConfig(config, values.GetValueOrDefault);

        Assert.Equal(8, config.SecretReferences.Count);
        var text = string.Join(" | ", values.Values.Append("webhook-secret-e4f2"));
        Assert.Equal(string.Join(" | ", Enumerable.Repeat("***", 7)), secrets.Redact(text));
    }

    [Fact]
    public void Redact_MultiLineSecret_MasksEachLine_WithoutCarriageReturnOrSurroundingSpace()
    {
        var secrets = Learned("first-line-abc\r\n  second-line-def  \r\nxy");

        Assert.Equal("key: ***", secrets.Redact("key: first-line-abc"));
        Assert.Equal("[***]", secrets.Redact("[second-line-def]"));
        Assert.Equal("***\n***", secrets.Redact("first-line-abc\n  second-line-def  "));
        Assert.Equal("axyb", secrets.Redact("axyb")); // a 2-character line is not masked
    }

    [Fact]
    public void Redact_ShortSecret_IsNotMasked_SoOutputStaysReadable()
    {
        var secrets = Learned("e");

        Assert.Equal("release complete", secrets.Redact("release complete"));
    }

    [Fact]
    public void Redact_OverlappingSecrets_AreMaskedAsOne_LeavingNoFragment()
    {
        var secrets = Learned("abcdef12", "ef12ghij");

        Assert.Equal("x *** y", secrets.Redact("x abcdef12ghij y"));
        Assert.Equal("*** ***", secrets.Redact("abcdef12 ef12ghij"));
    }

    [Fact]
    public void Resolve_SecretFileRewrittenInPlace_SameSizeAndMtime_ReturnsTheNewValue_AndMasksIt()
    {
        var modified = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var file = _dir.Write("hook", "secret-one-aaaa\n");
        File.SetLastWriteTimeUtc(file, modified);
        var secrets = new SecretResolver(_dir.Path);
        Assert.Equal("secret-one-aaaa", secrets.Resolve("${file:hook}"));
        PassFileSystemClockTick();

        // The same inode, the same size and the same modification time: only the change time says it was written.
        File.WriteAllText(file, "secret-two-bbbb\n");
        File.SetLastWriteTimeUtc(file, modified);

        Assert.Equal("secret-two-bbbb", secrets.Resolve("${file:hook}"));
        Assert.Equal("key=*** old=***", secrets.Redact("key=secret-two-bbbb old=secret-one-aaaa"));
    }

    [Fact]
    public void Resolve_SecretFileRenamedOver_ReturnsTheNewValue()
    {
        var file = _dir.Write("hook", "secret-one-aaaa");
        var secrets = new SecretResolver(_dir.Path);
        Assert.Equal("secret-one-aaaa", secrets.Resolve("${file:hook}"));

        var next = _dir.Write("hook.new", "secret-two-bbbb");
        File.SetLastWriteTimeUtc(next, File.GetLastWriteTimeUtc(file));
        File.Move(next, file, overwrite: true);

        Assert.Equal("secret-two-bbbb", secrets.Resolve("${file:hook}"));
    }

    [Fact]
    public void Resolve_SecretFileSymlinkSwapped_ReturnsTheNewTargetsValue()
    {
        // How Kubernetes rotates a mounted secret: the file is a symlink, pointed at a new copy.
        var first = _dir.Write("v1/hook", "secret-one-aaaa");
        var second = _dir.Write("v2/hook", "secret-two-bbbb");
        File.SetLastWriteTimeUtc(second, File.GetLastWriteTimeUtc(first));
        File.CreateSymbolicLink(_dir["hook"], first);
        var secrets = new SecretResolver(_dir.Path);
        Assert.Equal("secret-one-aaaa", secrets.Resolve("${file:hook}"));

        File.Delete(_dir["hook"]);
        File.CreateSymbolicLink(_dir["hook"], second);

        Assert.Equal("secret-two-bbbb", secrets.Resolve("${file:hook}"));
    }

    [Fact]
    public void Resolve_SecretFileRemovedAfterUse_FailsInsteadOfReturningTheOldValue()
    {
        var file = _dir.Write("hook", "secret-one-aaaa");
        var secrets = new SecretResolver(_dir.Path);
        Assert.Equal("secret-one-aaaa", secrets.Resolve("${file:hook}"));

        File.Delete(file);

        var error = Assert.Throws<SecretException>(() => secrets.Resolve("${file:hook}"));
        Assert.Equal("secret file hook does not exist (referenced as ${file:hook})", error.Message);
    }

    // File systems stamp change times from a coarse clock (a few milliseconds a tick): waits until a file written now gets a
    // later time than one written before, so a change after this is told apart from every change before it.
    private void PassFileSystemClockTick()
    {
        var probe = _dir.Write("clock-probe", "");
        var before = File.GetLastWriteTimeUtc(probe);
        do
        {
            File.WriteAllText(probe, "");
        }
        while (File.GetLastWriteTimeUtc(probe) <= before);
    }

    private SecretResolver Learned(params string[] values)
    {
        var environment = values.Select((v, i) => (Name: "V" + i, Value: v)).ToDictionary(p => p.Name, p => p.Value);
        var secrets = new SecretResolver(_dir.Path, environment.GetValueOrDefault);
        secrets.Learn(environment.Keys.Select(name => $"${{env:{name}}}"));
        return secrets;
    }
}
