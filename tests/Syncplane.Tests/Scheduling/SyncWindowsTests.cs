using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

/// <summary>2026: Berlin springs forward 29 March (CET+1 → CEST+2) and falls back 25 October; New York falls back 1 November (EDT-4 → EST-5).</summary>
public class SyncWindowsTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static SyncWindow Deny(string cron, double hours, TimeZoneInfo zone, bool manual = false) =>
        new(SyncWindowKind.Deny, CronExpression.Parse(cron), TimeSpan.FromHours(hours), zone, manual);

    private static SyncWindow Allow(string cron, double hours, TimeZoneInfo zone, bool manual = false) =>
        new(SyncWindowKind.Allow, CronExpression.Parse(cron), TimeSpan.FromHours(hours), zone, manual);

    [Theory]
    [InlineData(2026, 3, 27, 7, 59, true)]  // Friday 08:59 CET
    [InlineData(2026, 3, 27, 8, 0, false)]  // Friday 09:00 CET
    [InlineData(2026, 3, 27, 15, 59, false)] // 16:59 CET
    [InlineData(2026, 3, 27, 16, 0, true)]  // 17:00 CET: the window has closed
    [InlineData(2026, 3, 30, 6, 59, true)]  // Monday 08:59 CEST
    [InlineData(2026, 3, 30, 7, 0, false)]  // Monday 09:00 CEST
    [InlineData(2026, 3, 30, 15, 0, true)]  // 17:00 CEST
    [InlineData(2026, 3, 28, 10, 0, true)]  // Saturday
    public void IsAllowed_BerlinOfficeHoursDeny_FollowsLocalTimeAcrossSpringForward(int y, int mo, int d, int h, int mi, bool allowed) =>
        Assert.Equal(allowed, SyncWindows.IsAllowed([Deny("0 9 * * 1-5", 8, Berlin)], Utc(y, mo, d, h, mi), isManual: false));

    [Fact]
    public void IsAllowed_WindowOverTheSpringForwardGap_LastsItsElapsedDuration()
    {
        var window = Deny("0 1 * * *", 3, Berlin); // opens 01:00 CET = 00:00Z, for three real hours

        Assert.False(SyncWindows.IsAllowed([window], Utc(2026, 3, 29, 2, 59), false)); // 04:59 CEST
        Assert.True(SyncWindows.IsAllowed([window], Utc(2026, 3, 29, 3, 0), false));   // 05:00 CEST
    }

    [Fact]
    public void IsAllowed_BerlinFallBack_WindowOpensAtTheFirstPassOfTheRepeatedHour()
    {
        var window = Deny("30 2 * * *", 1, Berlin);

        Assert.False(SyncWindows.IsAllowed([window], Utc(2026, 10, 25, 0, 30), false)); // 02:30 CEST
        Assert.True(SyncWindows.IsAllowed([window], Utc(2026, 10, 25, 1, 30), false));  // 02:30 CET, second pass: not again
    }

    [Fact]
    public void NextAllowed_NewYorkNightlyAllowWindow_OpensAtLocalTenPmBeforeAndAfterFallBack()
    {
        var windows = new[] { Allow("0 22 * * *", 4, NewYork) };

        Assert.Equal(Utc(2026, 11, 1, 2), SyncWindows.NextAllowed(windows, Utc(2026, 10, 31, 16), false)); // 22:00 EDT
        Assert.Equal(Utc(2026, 11, 2, 3), SyncWindows.NextAllowed(windows, Utc(2026, 11, 1, 16), false));  // 22:00 EST
        Assert.Equal(Utc(2026, 11, 1, 5), SyncWindows.NextAllowed(windows, Utc(2026, 11, 1, 5), false));   // inside: now
    }

    [Fact]
    public void NextAllowed_InsideOverlappingDenyWindows_WaitsUntilTheLastOneCloses()
    {
        var windows = new[] { Deny("0 9 * * *", 8, TimeZoneInfo.Utc), Deny("0 16 * * *", 4, TimeZoneInfo.Utc) };

        Assert.Equal(Utc(2026, 6, 1, 20), SyncWindows.NextAllowed(windows, Utc(2026, 6, 1, 10), false));
        Assert.False(SyncWindows.IsAllowed(windows, Utc(2026, 6, 1, 19, 59), false));
    }

    [Fact]
    public void NextAllowed_AllowWindowOnTheFirstOfTheMonth_SkipsToTheNextMonthStart()
    {
        var windows = new[] { Allow("0 0 1 * *", 24, TimeZoneInfo.Utc) };

        Assert.Equal(Utc(2026, 3, 1, 0), SyncWindows.NextAllowed(windows, Utc(2026, 2, 2, 0), false));
        Assert.Equal(Utc(2026, 2, 1, 23, 59), SyncWindows.NextAllowed(windows, Utc(2026, 2, 1, 23, 59), false));
    }

    [Fact]
    public void NextAllowed_AllowWindowPartlyCoveredByDeny_StartsWhenTheDenyEnds()
    {
        var windows = new[] { Allow("0 8 * * *", 4, TimeZoneInfo.Utc), Deny("0 7 * * *", 2, TimeZoneInfo.Utc) };

        Assert.Equal(Utc(2026, 6, 1, 9), SyncWindows.NextAllowed(windows, Utc(2026, 6, 1, 1), false));
        Assert.Equal(Utc(2026, 6, 2, 9), SyncWindows.NextAllowed(windows, Utc(2026, 6, 1, 12), false));
    }

    [Fact]
    public void NextAllowed_AlwaysDenied_ReturnsNull() =>
        Assert.Null(SyncWindows.NextAllowed([Deny("0 0 * * *", 48, TimeZoneInfo.Utc)], Utc(2026, 1, 1, 0), false));

    [Fact]
    public void IsAllowed_ManualOverride_LetsOnlyManualRunsThrough()
    {
        var overridable = new[] { Deny("0 0 * * *", 24, TimeZoneInfo.Utc, manual: true) };
        var strict = new[] { Deny("0 0 * * *", 24, TimeZoneInfo.Utc) };
        var at = Utc(2026, 6, 1, 12);

        Assert.True(SyncWindows.IsAllowed(overridable, at, isManual: true));
        Assert.False(SyncWindows.IsAllowed(overridable, at, isManual: false));
        Assert.False(SyncWindows.IsAllowed(strict, at, isManual: true));
        Assert.Contains("deny window", SyncWindows.Blocker(strict, at, true));
    }

    [Fact]
    public void IsAllowed_ManualRunOutsideAnOverridableAllowWindow_IsAllowed()
    {
        var windows = new[] { Allow("0 2 * * *", 2, TimeZoneInfo.Utc, manual: true) };

        Assert.True(SyncWindows.IsAllowed(windows, Utc(2026, 6, 1, 12), isManual: true));
        Assert.Equal("outside every allow window", SyncWindows.Blocker(windows, Utc(2026, 6, 1, 12), isManual: false));
        Assert.Equal(Utc(2026, 6, 2, 2), SyncWindows.NextAllowed(windows, Utc(2026, 6, 1, 12), false));
    }

    [Fact]
    public void IsAllowed_NoWindows_AlwaysAllowed() =>
        Assert.True(SyncWindows.IsAllowed([], Utc(2026, 6, 1, 12), false));
}
