using Google.Apis.Util;

namespace Syncplane.Connectors.Gcp;

/// <summary>Google.Apis.Auth's clock read off a <see cref="TimeProvider"/>: the times in a JWT assertion follow the engine's clock.</summary>
internal sealed class GoogleClock(TimeProvider time) : IClock
{
    public DateTime Now => time.GetLocalNow().DateTime;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
