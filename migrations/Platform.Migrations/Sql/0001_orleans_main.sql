-- 0001_orleans_main: the statement catalogue shared by all Orleans ADO.NET providers.
--
-- Orleans' ADO.NET providers (clustering now; persistence, reminders, streaming if we ever add them)
-- never carry SQL of their own. On start-up each provider runs exactly
--
--     SELECT QueryKey, QueryText FROM OrleansQuery
--
-- keeps the rows as a key -> statement map, and from then on only ever executes those statements,
-- binding its values as named parameters (@DeploymentId, @Address, ...) and reading result columns
-- by name. So this table *is* the contract between the provider and the schema: the keys and the
-- parameter/column names are fixed by Orleans, the statement bodies are ours (see 0002).
--
-- The identifiers are left unquoted on purpose: the provider's catalogue query above is unquoted too,
-- so PostgreSQL folds both to lower case (orleansquery.querykey) and they meet.
--
-- A provider that finds a key it needs missing refuses to start ("Not all required queries found"),
-- which makes a forgotten migration loud rather than subtle.

CREATE TABLE OrleansQuery
(
    -- e.g. 'InsertMembershipKey'; the names are Orleans' own and must be spelled exactly.
    QueryKey  varchar(64) NOT NULL,
    -- The statement, with @Name placeholders that Npgsql binds by name.
    QueryText text        NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'Statements the Orleans ADO.NET providers execute, by key. Loaded once per provider start; written only by migrations.';
