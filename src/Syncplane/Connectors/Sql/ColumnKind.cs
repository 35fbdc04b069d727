namespace Syncplane.Connectors.Sql;

/// <summary>What a column holds, which decides how a field's value is converted, stored and compared.</summary>
internal enum ColumnKind
{
    /// <summary>JSON strings; compared as text (ordinal).</summary>
    Text,

    /// <summary>JSON numbers and strings that hold one (<c>"1230000"</c>); compared by value, so 1.50 equals 1.5.</summary>
    Numeric,

    /// <summary>Whole numbers (bigint), compared by value.</summary>
    Integer,

    /// <summary>JSON true and false.</summary>
    Boolean,

    /// <summary>Strings holding a date (<c>2026-01-31</c>).</summary>
    Date,

    /// <summary>Strings holding an instant with an offset (<c>2026-01-31T10:00:00+0000</c>), compared as instants.</summary>
    Timestamp,

    /// <summary>JSON objects and arrays (jsonb on PostgreSQL); compared as canonical JSON.</summary>
    Json,
}
