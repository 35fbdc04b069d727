using System.Diagnostics;
using Syncplane.Engine.Process;

namespace Syncplane.Tests.Engine.Process;

public sealed class ProcessIdentityTests
{
    [Fact]
    public async Task Of_ALiveProcess_IsTheSameExactNameForEveryReadAndGoneOnlyOnceItExits()
    {
        using var child = System.Diagnostics.Process.Start(new ProcessStartInfo("sleep", "30"))!;
        var name = ProcessIdentity.Of(child.Id);

        Assert.NotNull(name);
        Assert.Equal(name, ProcessIdentity.Of(child.Id));
        Assert.False(ProcessIdentity.IsGone(name));

        child.Kill();
        await child.WaitForExitAsync();
        Assert.True(ProcessIdentity.IsGone(name));
    }

    [Fact]
    public void IsGone_SamePidOtherStartTime_IsGone_ButAProcessOfAnotherPidNamespaceIsNeverTakenForDead()
    {
        var parts = ProcessIdentity.Current.Split(':');

        Assert.Equal(ProcessIdentity.Current, ProcessIdentity.Of(Environment.ProcessId));
        Assert.False(ProcessIdentity.IsGone(ProcessIdentity.Current));
        Assert.True(ProcessIdentity.IsGone($"{parts[0]}:{long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 1}:{parts[2]}"));
        Assert.False(ProcessIdentity.IsGone($"{parts[0]}:1:1"));
    }
}
