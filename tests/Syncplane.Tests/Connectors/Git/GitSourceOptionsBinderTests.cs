using Syncplane.Config;
using Syncplane.Connectors.Git;

namespace Syncplane.Tests.Connectors.Git;

public class GitSourceOptionsBinderTests
{
    private const string File = "/work/project/syncplane.yaml";

    [Fact]
    public void Bind_FullOptions_ReadsEveryKey()
    {
        var options = Bind("""
            url: https://github.com/acme/landing-zone.git
            branch: main
            paths: [docs/**, pmo.yaml]
            depth: 0
            username: bot
            token: ${env:GIT_TOKEN}
            """, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("https://github.com/acme/landing-zone.git", options.Url);
        Assert.Equal("main", options.Branch);
        Assert.Equal(["docs/**", "pmo.yaml"], options.Paths.Select(p => p.Pattern));
        Assert.Equal(0, options.Depth);
        Assert.Equal("${env:GIT_TOKEN}", options.Token);
        Assert.Equal("refs/heads/main", options.FetchRef);
    }

    [Theory]
    [InlineData("root: ../up", "'root' must not contain empty, '.' or '..' segments")]
    [InlineData("root: /etc", "'root' must be a relative path")]
    [InlineData("map: { pmo.yaml: config/x.yaml }\nroot: docs", "'map' names every file and folder to sync: it cannot be combined with 'root' or 'paths'")]
    [InlineData("map: { ../pmo.yaml: x.yaml }", "'map': the repository path '../pmo.yaml' must not contain")]
    [InlineData("map: { pmo.yaml: / }", "'map': the destination '/' of 'pmo.yaml' must not be empty")]
    [InlineData("map: { .git/config: x }", "must not point into .git")]
    [InlineData("map: [pmo.yaml]", "'map' must map repository paths to destination paths")]
    public void Bind_BadRootOrMap_IsAnErrorThatSaysWhy(string yaml, string expected)
    {
        var options = Bind("url: https://example.com/r.git\n" + yaml, out var errors);

        Assert.Null(options);
        Assert.Contains(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_MapDestinationEndingInSlash_IsAFolderTheSourceGoesIntoUnderItsName()
    {
        var options = Bind("""
            url: https://example.com/r.git
            map: { docs/: docs/lz-reference, ENFORCEMENT_GATES.md: docs/lz-reference/, a/b/c.md: x/ }
            """, out var errors);

        Assert.Empty(errors);
        Assert.Equal(
            [new GitPathMapping("docs", "docs/lz-reference"), new GitPathMapping("ENFORCEMENT_GATES.md", "docs/lz-reference/ENFORCEMENT_GATES.md"), new GitPathMapping("a/b/c.md", "x/c.md")],
            options!.Map!.Entries);
    }

    [Fact]
    public void Bind_Defaults_ShallowRemoteHeadAllPaths()
    {
        var options = Bind("url: git@github.com:acme/repo.git", out var errors);

        Assert.Empty(errors);
        Assert.Equal(1, options!.Depth);
        Assert.Equal("HEAD", options.FetchRef);
        Assert.Empty(options.Paths);
        Assert.Equal("git@github.com:acme/repo.git", options.Url);
    }

    [Fact]
    public void Bind_RelativeLocalPath_ResolvedAgainstConfigDirectoryAndDisplayedAsWritten()
    {
        var options = Bind("url: ../upstream/repo", out _);

        Assert.Equal("/work/upstream/repo", options!.Url);
        Assert.Equal("../upstream/repo", options.DisplayUrl);
    }

    [Theory]
    [InlineData("url: x\nbrnch: main", "unknown key 'brnch'", 2)]
    [InlineData("branch: main", "missing required key 'url'", 1)]
    [InlineData("url: x\nbranch: main\ntag: v1", "at most one of 'branch', 'tag' and 'commit'", 1)]
    [InlineData("url: x\ncommit: abc123", "full commit SHA", 2)]
    [InlineData("url: x\nbranch: '-upload-pack=evil'", "not a valid git ref name", 2)]
    [InlineData("url: https://h/r.git\ntoken: ghp_literal", "must be a secret reference", 2)]
    [InlineData("url: https://h/r.git\npassword: ${env:PW}", "'password' needs a 'username'", 2)]
    [InlineData("url: https://h/r.git\ntoken: ${env:BAD NAME}", "is not a secret reference", 2)]
    [InlineData("url: https://${env:T}@h/r.git", "must not contain secret references", 1)]
    [InlineData("url: https://bot:pw@h/r.git", "must not embed a password", 1)]
    [InlineData("url: x\ndepth: -1", "at least 0", 2)]
    public void Bind_InvalidOptions_ReportErrorWithPosition(string yaml, string expected, int line)
    {
        var options = Bind(yaml, out var errors);

        Assert.Null(options);
        var error = Assert.Single(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(File, error.File);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Factory_IsSourceOnly()
    {
        var factory = new GitConnectorFactory();

        Assert.Equal("git", factory.Type);
        Assert.True(factory.CanBeSource);
        Assert.False(factory.CanBeDestination);
    }

    private static GitSourceOptions? Bind(string yaml, out IReadOnlyList<ConfigError> errors)
    {
        var reader = new ConfigReader();
        var options = new GitConnectorFactory().Bind(ConfigNodeParser.Parse(yaml, File), reader);
        errors = reader.Errors;
        return (GitSourceOptions?)options;
    }
}
