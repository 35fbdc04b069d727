using Syncplane.Server.Api;

namespace Syncplane.Tests.Server;

public sealed class MetricsTextTests
{
    [Fact]
    public void Escape_LabelValues_EscapesBackslashQuoteAndNewline() =>
        Assert.Equal("a\\\\b\\\"c\\nd", MetricsEndpoints.Escape("a\\b\"c\nd"));
}
