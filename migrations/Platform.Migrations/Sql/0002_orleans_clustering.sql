-- 0002_orleans_clustering: membership storage for Orleans' ADO.NET clustering provider
-- (Microsoft.Orleans.Clustering.AdoNet 10.x, invariant "Npgsql").
--
-- What Orleans needs from us
-- --------------------------
-- Every silo writes one row about itself (address, ports, status, heartbeat) and all silos read the
-- whole set to agree on who is alive. Changes to a row are guarded by ONE version number per cluster
-- (the "table version"): a silo reads the table together with its version, decides on a change, and
-- sends it with the version it read. The write succeeds only if the version is still the same, and
-- bumps it; otherwise the silo re-reads and tries again. Heartbeats (IAmAliveTime) are the exception:
-- they are frequent, last-writer-wins, and do not touch the version.
--
-- Orleans identifies a cluster by ClusterOptions.ClusterId, which it stores in the DeploymentId column.
--
-- What is contract and what is ours
-- ---------------------------------
-- Fixed by the provider (reading Orleans.Clustering.AdoNet 10.x: DbStoredQueries, RelationalOrleansQueries):
--   * the query keys inserted at the end of this file (it refuses to start if one is missing);
--   * the parameter names each key is called with (all bound by name, see each statement);
--   * the result column names it reads, and that "conditional write" keys return one row with one
--     integer column, non-zero meaning success;
--   * status codes (SiloStatus): 0 None, 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
-- Ours: the table layout below, and how each statement does its job. We keep Orleans' table and column
-- names so that Orleans' documentation and anyone's muscle memory apply when looking at the data.
--
-- Design choices
--   * Plain statements wherever one statement does the job. Only the two versioned writes are
--     functions, because they must undo the version bump when the row part fails, which needs a
--     PL/pgSQL exception block (an implicit savepoint). They do not depend on ASSERT, which a server
--     may have switched off (plpgsql.check_asserts).
--   * The membership rows reference their cluster's version row with ON DELETE CASCADE, so removing a
--     cluster is one DELETE of the version row.
--   * Timestamps are timestamptz (microseconds). Npgsql hands Orleans UTC DateTimes back, and the
--     values it reads back compare equal to what is stored, which the row-wise clean-up relies on.


-- One row per cluster: the optimistic-concurrency token for the whole membership table.
CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,               -- ClusterOptions.ClusterId
    Timestamp    timestamptz  NOT NULL DEFAULT now(), -- last version change; for people, Orleans ignores it
    Version      integer      NOT NULL DEFAULT 0,     -- the table version Orleans sends back as @Version

    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation. A restarted silo on the same address/port gets a new Generation and so
-- a new row; the old one stays (Dead) until the defunct-entry clean-up removes it.
CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,           -- textual IP; 45 characters fits any IPv6 form
    Port         integer      NOT NULL,           -- silo-to-silo port
    Generation   integer      NOT NULL,           -- incarnation number, unique per (address, port)
    SiloName     varchar(150) NOT NULL,
    HostName     varchar(150) NOT NULL,
    Status       integer      NOT NULL,           -- SiloStatus, see header
    ProxyPort    integer      NOT NULL DEFAULT 0, -- gateway (client) port; 0 = not a gateway. Orleans reads it as int, so never NULL
    SuspectTimes text         NULL,               -- "silo,time|silo,time" votes from silos that suspect this one
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,           -- last heartbeat

    CONSTRAINT orleans_membership_pk PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT orleans_membership_cluster_fk FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);


-- Adds a silo row and bumps the table version, both or neither.
-- Returns 1 on success; 0 if the version moved on since the caller read it (or the cluster has no
-- version row), or if a row for this silo incarnation already exists.
CREATE FUNCTION orleans_membership_insert(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    -- Version first: the UPDATE row-locks the cluster's version row, so concurrent versioned writers of
    -- this cluster queue up here, and each sees the version its predecessor left behind.
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_expected_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
         coalesce(p_proxy_port, 0), p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION
    -- The row exists already. Leaving the block through its handler rolls back everything the block
    -- did, the version bump included, so the caller sees a clean "no".
    WHEN unique_violation THEN
        RETURN 0;
END
$fn$;


-- Changes a silo row's status / suspicions / heartbeat and bumps the table version, both or neither.
-- Returns 1 on success; 0 if the version moved on or the row does not exist.
CREATE FUNCTION orleans_membership_update(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_expected_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
       SET Status = p_status,
           SuspectTimes = p_suspect_times,
           IAmAliveTime = p_i_am_alive_time
     WHERE DeploymentId = p_deployment_id
       AND Address = p_address
       AND Port = p_port
       AND Generation = p_generation;
    IF NOT FOUND THEN
        -- Raised only to leave through the handler below, which undoes the version bump.
        RAISE EXCEPTION 'no membership row for %:%@%', p_address, p_port, p_generation
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END
$fn$;


-- The statements Orleans runs, by key. Dollar-quoted so the SQL inside needs no quote doubling.
-- "@Name" are the provider's parameter names; Npgsql binds them by name.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Silo start-up, before anything else: make sure the cluster has a version row.
-- Must return exactly one row (the provider takes the first): 1 if created now, 0 if it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created
$q$),

-- Whole-table read, the basis of every membership decision. One row per silo plus the table version;
-- the outer join still yields the version (with NULL silo columns) for a cluster without silos, which
-- the provider recognises by StartTime being NULL.
('MembershipReadAllKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId
$q$),

-- Same, for one silo incarnation (join conditions, not WHERE, so the version row survives a miss).
('MembershipReadRowKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId
$q$),

-- Versioned writes: one row, one integer column, non-zero = done.
('InsertMembershipKey', $q$
SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
                                 @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation,
                                 @Status, @SuspectTimes, @IAmAliveTime, @Version)
$q$),

-- Heartbeat. Unversioned by design; the provider checks no result.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = @IAmAliveTime
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation
$q$),

-- Gateway discovery for clients: Active silos that accept clients. @Status is always 3 (Active).
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0
$q$),

-- Forget a whole cluster (Orleans' test/reset path). The membership rows go with the version row.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipVersionTable
 WHERE DeploymentId = @DeploymentId
$q$),

-- Defunct-silo clean-up, bulk form: drop Dead silo rows with no sign of life since @IAmAliveTime (a
-- cut-off the provider computes, DefunctSiloExpiration ago). Required by the provider, but 10.x only
-- runs it when the row-wise key below is absent. Dead only: a silo that is merely slow or stuck
-- shutting down keeps its row, since other silos still vote on it. Old suspicion votes on a Dead row
-- do not keep it (a silo is usually declared dead by votes).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = 6
   AND IAmAliveTime < @IAmAliveTime
   AND StartTime < @IAmAliveTime
$q$),

-- Defunct-silo clean-up, row-wise form (optional key; used when present). The provider reads the
-- table, picks Dead rows whose start, heartbeat and suspicion times are all before its cut-off, and
-- deletes each one only if it still holds exactly the values it looked at, so a row that changed in
-- between is left alone. No version bump: a Dead row leaving changes nobody's view of who is alive.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation
   AND Status = 6
   AND StartTime = @StartTime
   AND IAmAliveTime = @IAmAliveTime
   AND coalesce(SuspectTimes, '') = coalesce(@SuspectTimes, '')
$q$);
