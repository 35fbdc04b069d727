using Syncplane.Engine.Safety;

namespace Syncplane.Tests.Engine.Safety;

public class OutputNumbersTests
{
    [Theory]
    [InlineData("     123\n", 123.0)]
    [InlineData("found 3 repos, 42 modules", 42.0)]
    [InlineData("drift score: 0.25\n", 0.25)]
    [InlineData("delta -7", -7.0)]
    [InlineData("v1-2", 2.0)]
    [InlineData("module_v17\n", 17.0)]
    public void Last_ReadsTheLastNumber(string text, double expected) =>
        Assert.Equal(expected, OutputNumbers.Last(text));

    [Theory]
    [InlineData("")]
    [InlineData("no numbers here")]
    public void Last_NoNumber_ReturnsNull(string text) => Assert.Null(OutputNumbers.Last(text));
}
