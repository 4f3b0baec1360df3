-- Each device's session has a generation: ending the session (logout, revocation, password
-- change, token reuse) adds one. Access tokens carry the generation they were issued for
-- and the deny list refuses older ones; refresh tokens of an older generation are dead.
-- Counting instead of comparing timestamps leaves no same-second window and no clock skew
-- between replicas.
alter table devices add column generation bigint not null default 1;

alter table refresh_tokens add column generation bigint not null default 1;

-- When the login that started this chain of refresh tokens happened: the chain ends at
-- an absolute lifetime, however often it is refreshed.
alter table refresh_tokens add column session_started_at timestamptz;
update refresh_tokens set session_started_at = issued_at;
alter table refresh_tokens alter column session_started_at set not null;
