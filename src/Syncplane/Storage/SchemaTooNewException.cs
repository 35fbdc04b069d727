namespace Syncplane.Storage;

/// <summary>The store's schema was migrated by a newer Syncplane; this one refuses to use it rather than guess.</summary>
internal sealed class SchemaTooNewException(int version, int known)
    : InvalidOperationException($"the database schema is at version {version}, newer than this Syncplane knows ({known}); upgrade Syncplane or use another database");
