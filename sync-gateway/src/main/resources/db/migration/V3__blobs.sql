-- Large clips and files by reference: uploaded once, fetched on demand, kept while a clip
-- refers to them. Stored in 1 MiB chunks so neither upload nor download ever holds a whole
-- blob in memory.

create table blobs (
    blob_id       uuid        primary key,
    user_id       uuid        not null,
    mime          text        not null,
    -- filled in when the upload completes and its digest checked
    size          bigint      not null default 0,
    sha256        text        not null default '',
    complete      boolean     not null default false,
    created_at    timestamptz not null default now(),
    -- set when a clip first refers to it; a blob no clip refers to is deleted after a grace
    referenced_at timestamptz
);

create index blobs_by_user on blobs (user_id);

create table blob_chunks (
    blob_id uuid    not null references blobs on delete cascade,
    idx     integer not null,
    data    bytea   not null,
    primary key (blob_id, idx)
);

alter table blob_chunks alter column data set storage external;

alter table clips add column blob_id uuid, add column blob_size bigint, add column blob_sha256 text;

create index clips_by_blob on clips (blob_id) where blob_id is not null;

drop function push_clip(uuid, uuid, uuid, uuid, text, text, boolean, text, integer, boolean);

-- As in V2, with the blob reference stored.
create function push_clip(p_user uuid, p_client uuid, p_device uuid, p_session uuid, p_mime text,
                          p_encoding text, p_encrypted boolean, p_data text, p_keep integer,
                          p_sensitive boolean, p_blob_id uuid, p_blob_size bigint, p_blob_sha256 text)
    returns table (out_seq bigint, out_created_at timestamptz, out_duplicate boolean)
    language plpgsql as
$$
declare
    v_seq bigint;
begin
    insert into user_clip_seq (user_id, last_seq) values (p_user, 0) on conflict (user_id) do nothing;
    select s.last_seq into v_seq from user_clip_seq s where s.user_id = p_user for update;
    return query select c.seq, c.created_at, true from clips c
                 where c.user_id = p_user and c.client_id = p_client;
    if found then
        return;
    end if;
    v_seq := v_seq + 1;
    update user_clip_seq set last_seq = v_seq where user_id = p_user;
    insert into clips (user_id, seq, client_id, from_device, from_session, mime, encoding, encrypted, data,
                       sensitive, blob_id, blob_size, blob_sha256)
    values (p_user, v_seq, p_client, p_device, p_session, p_mime, p_encoding, p_encrypted, p_data,
            p_sensitive, p_blob_id, p_blob_size, p_blob_sha256);
    -- keep the newest p_keep clips
    delete from clips c where c.user_id = p_user and c.seq <= v_seq - p_keep;
    return query select v_seq, now(), false;
end
$$;
