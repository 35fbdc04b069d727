using System.Globalization;
using System.Text;
using Syncplane.Connectors.Sql;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>
/// Values hashed straight from a record's bytes must hash exactly as the converted values did, or every row a table
/// already holds would look changed and be compared field by field on every run.
/// </summary>
public sealed class FieldBytesTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.000")]
    [InlineData("12.50")]
    [InlineData("-12.5")]
    [InlineData("007")]
    [InlineData("1230000")]
    [InlineData("9999999999999999999")]
    [InlineData("0.000000000000000001")]
    public void PlainNumbers_HashAsTheirDecimalValue(string text)
    {
        Assert.True(FieldBytes.TryNumber(Encoding.UTF8.GetBytes(text), out var negative, out var mantissa, out var scale));
        var fromBytes = new RowHash();
        fromBytes.AddNumber(RowHash.Seed("spend"), negative, mantissa, scale);
        var fromValue = new RowHash();
        fromValue.Add("spend", decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        Assert.Equal(fromValue.Value, fromBytes.Value);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("-")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("+1")]
    [InlineData("1.2.3")]
    [InlineData("12345678901234567890")]
    [InlineData("0.0000000000000000001")]
    public void OtherNumberForms_AreLeftToTheGeneralPath(string text) =>
        Assert.False(FieldBytes.TryNumber(Encoding.UTF8.GetBytes(text), out _, out _, out _));

    [Theory]
    [InlineData("2026-11-01", true)]
    [InlineData("2024-02-29", true)]
    [InlineData("2026-02-29", false)]
    [InlineData("0000-01-01", false)]
    [InlineData("2026-13-01", false)]
    [InlineData("2026-1-01", false)]
    [InlineData("2026/11/01", false)]
    public void Dates_HashAsTheirDay_OrAreLeftToTheGeneralPath(string text, bool plain)
    {
        Assert.Equal(plain, FieldBytes.TryDate(Encoding.UTF8.GetBytes(text), out var day));
        if (plain)
        {
            var fromBytes = new RowHash();
            fromBytes.AddDate(RowHash.Seed("date_start"), day);
            var fromValue = new RowHash();
            fromValue.Add("date_start", DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture));
            Assert.Equal(fromValue.Value, fromBytes.Value);
        }
    }

    [Fact]
    public void AsciiText_HashesAsItsString()
    {
        var fromBytes = new RowHash();
        fromBytes.AddAscii(RowHash.Seed("name"), "Summer sale 2026"u8);
        var fromValue = new RowHash();
        fromValue.Add("name", "Summer sale 2026");
        Assert.Equal(fromValue.Value, fromBytes.Value);
        Assert.False(FieldBytes.IsPlainAscii("caf\u00e9"u8));
        Assert.False(FieldBytes.IsPlainAscii("a\\nb"u8));
    }
}
