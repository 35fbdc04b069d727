using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Server;

/// <summary>What the server's endpoints share: the loaded config, its secrets, the store, the clock and the event hub.</summary>
/// <remarks>Registered as a singleton; endpoints take it as a parameter.</remarks>
public sealed record ServerContext(SyncplaneConfig Config, SecretResolver Secrets, ISyncStore Store, TimeProvider Time, EventHub Events);
