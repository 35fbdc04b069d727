using Syncplane.Config;
using Syncplane.Connectors.Directory;

namespace Syncplane.Tests.Connectors.Directory;

public class DirectoryConnectorFactoryTests
{
    private static (DirectoryOptions? Options, ConfigReader Reader) Bind(string yaml)
    {
        var node = ConfigNodeParser.Parse(yaml, "/configs/team/syncplane.yaml");
        var reader = new ConfigReader();
        return ((DirectoryOptions?)new DirectoryConnectorFactory().Bind(node, reader), reader);
    }

    [Fact]
    public void Bind_RelativePath_ResolvesAgainstConfigDirectoryWithDefaults()
    {
        var (options, reader) = Bind("path: out/docs\n");

        Assert.False(reader.HasErrors);
        Assert.Equal("/configs/team/out/docs", options!.Path);
        Assert.True(options.Delete);
        Assert.Empty(options.Include);
        Assert.Empty(options.Exclude);
    }

    [Fact]
    public void Bind_AllKeys_AreRead()
    {
        var (options, reader) = Bind("path: /abs/dir/\ninclude: [docs/**, '*.md']\nexclude: docs/drafts\ndelete: false\n");

        Assert.False(reader.HasErrors);
        Assert.Equal("/abs/dir", options!.Path);
        Assert.Equal(["docs/**", "*.md"], options.Include.Select(g => g.Pattern));
        Assert.Equal(["docs/drafts"], options.Exclude.Select(g => g.Pattern));
        Assert.False(options.Delete);
    }

    [Fact]
    public void Bind_UnknownKey_ErrorNamesKeyAndPosition()
    {
        var (options, reader) = Bind("path: out\ndelet: true\n");

        Assert.Null(options);
        var error = Assert.Single(reader.Errors);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("unknown key 'delet'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include: [docs/**]\n", "missing required key 'path'")]
    [InlineData("path: out\ndelete: yes-please\n", "'delete' must be true or false")]
    [InlineData("path: out\nexclude: ['docs/[abc']\n", "invalid glob")]
    public void Bind_BadOptions_AreErrors(string yaml, string expected)
    {
        var (options, reader) = Bind(yaml);

        Assert.Null(options);
        Assert.Contains(reader.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }
}
