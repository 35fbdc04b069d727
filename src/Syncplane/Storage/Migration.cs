namespace Syncplane.Storage;

/// <summary>One numbered schema change, written in one SQL dialect.</summary>
/// <param name="Version">1, 2, 3, … without gaps; recorded in <c>schema_migrations</c> once applied.</param>
/// <param name="Name">What the migration does, for humans reading the history.</param>
/// <param name="Sql">The statements to run, all inside the migration transaction.</param>
internal sealed record Migration(int Version, string Name, string Sql);
