using Syncplane.Connectors.Http;

namespace Syncplane.Tests.Connectors.Http;

public sealed class CanonicalNumberTests
{
    [Theory]
    [InlineData("12.50", "12.5")]
    [InlineData("1230000.0", "1230000")]
    [InlineData("1230000", "1230000")]
    [InlineData("1.5e3", "1500")]
    [InlineData("1.25E+1", "12.5")]
    [InlineData("-0.0010", "-0.001")]
    [InlineData("15e-4", "0.0015")]
    [InlineData("-0.0", "0")]
    [InlineData("0", "0")]
    [InlineData("100", "100")]
    [InlineData("9223372036854775807123.000", "9223372036854775807123")]
    [InlineData("0.1000000000000000000000000000000001", "0.1000000000000000000000000000000001")]
    [InlineData("1e400", "1e400")]
    public void Of_GivesOneExactTextPerValue(string raw, string canonical) => Assert.Equal(canonical, CanonicalNumber.Of(raw));
}
