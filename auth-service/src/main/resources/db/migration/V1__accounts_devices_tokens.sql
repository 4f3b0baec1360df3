-- Accounts, their devices, and the refresh tokens of each device's session.

create table users (
    id                  uuid primary key,
    email               text not null,
    -- the trimmed, lower-cased email: what uniqueness and login compare
    email_key           text not null unique,
    display_name        text,
    password_hash       text not null,
    created_at          timestamptz not null,
    password_changed_at timestamptz not null
);

create table devices (
    id           uuid primary key,
    user_id      uuid not null references users (id) on delete cascade,
    name         text not null,
    platform     text not null,
    created_at   timestamptz not null,
    last_seen_at timestamptz not null,
    -- set when the device is revoked; a revoked device can never log in again
    revoked_at   timestamptz
);

create index devices_by_user on devices (user_id);

create table refresh_tokens (
    id         uuid primary key,
    -- SHA-256 of the token; the token itself is never stored
    token_hash bytea not null unique,
    device_id  uuid not null references devices (id) on delete cascade,
    issued_at  timestamptz not null,
    expires_at timestamptz not null,
    -- set when the token is exchanged; a second exchange is reuse
    used_at    timestamptz,
    revoked_at timestamptz
);

create index refresh_tokens_by_device on refresh_tokens (device_id);
create index refresh_tokens_by_expiry on refresh_tokens (expires_at);
