using System.Data.Common;
using Npgsql;

namespace Platform.Data.Postgres;

/// <summary>
/// Wiring between Orleans' ADO.NET providers and Npgsql. The schema they need comes from the migrations
/// (migrations/Platform.Migrations/Sql/0001_orleans_main.sql, 0002_orleans_clustering.sql).
/// </summary>
public static class OrleansAdoNet
{
    /// <summary>The ADO.NET invariant to put in Orleans' AdoNet*Options.Invariant for PostgreSQL.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Makes the Npgsql provider available under <see cref="Invariant"/>. Call once at start-up, before the
    /// silo (or client) starts; calling it again is harmless.
    /// </summary>
    /// <remarks>
    /// Orleans 10 does not go through <see cref="DbProviderFactories"/>: its own table maps "Npgsql" to the
    /// assembly "Npgsql" and the static field <c>Npgsql.NpgsqlFactory.Instance</c>, loaded by name. What it
    /// needs is the Npgsql assembly deployed next to the host, which referencing this project guarantees.
    /// We still register the factory, so that anything resolving providers the standard .NET way
    /// (DbProviderFactories.GetFactory("Npgsql")) finds the same one.
    /// </remarks>
    public static void RegisterNpgsqlProvider() =>
        DbProviderFactories.RegisterFactory(Invariant, NpgsqlFactory.Instance);
}
