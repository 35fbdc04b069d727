namespace Syncplane.Planning;

/// <summary>
/// Orders keys so that a plan can be applied front to back: ordinal order puts every directory before
/// the keys under it (a parent key is a prefix of its children's keys), and the reverse puts it after.
/// </summary>
internal static class KeyOrder
{
    public static int ParentsFirst(Change a, Change b) => string.CompareOrdinal(a.Key, b.Key);

    public static int ChildrenFirst(Change a, Change b) => string.CompareOrdinal(b.Key, a.Key);
}
