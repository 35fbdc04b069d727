using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

/// <summary>Cronos parses more than crontab does; what it alone accepts is rejected here, naming the field.</summary>
public class CronGrammarTests
{
    [Theory]
    [InlineData("0 0 L * *", "field 3 (day-of-month): 'L' is not a number")]
    [InlineData("0 0 15W * *", "field 3 (day-of-month): '15W' is not a number")]
    [InlineData("0 0 ? * MON", "field 3 (day-of-month): '?' is not a number")]
    [InlineData("0 0 * * 6#3", "field 5 (day-of-week): '6#3' is not a number or a name (SUN-SAT)")]
    [InlineData("0 0 * * 5L", "field 5 (day-of-week): '5L' is not a number or a name (SUN-SAT)")]
    [InlineData("H * * * *", "field 1 (minute): 'H' is not a number")]
    [InlineData("0 0 * DEC-FEB *", "field 4 (month): range 'DEC-FEB' runs backwards; write the smaller value first")]
    [InlineData("@every_minute", "unknown macro '@every_minute': use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually")]
    public void TryParse_CronosOnlySyntax_IsRejectedNamingTheField(string text, string expected)
    {
        Assert.False(Schedule.TryParse(text, null, out _, out var error));

        Assert.Equal(expected, error);
    }
}
