-- Each user's clip history, with a per-user sequence number assigned at insert.

create table user_clip_seq (
    user_id  uuid primary key,
    -- the last seq handed out; the next clip gets last_seq + 1
    last_seq bigint not null
);

create table clips (
    user_id      uuid        not null,
    seq          bigint      not null,
    -- the client's idempotency key: a retried push finds the original
    client_id    uuid        not null,
    from_device  uuid        not null,
    -- the pushing connection, which gets an ack instead of the clip
    from_session uuid        not null,
    mime         text        not null,
    encoding     text        not null,
    encrypted    boolean     not null,
    data         text        not null,
    created_at   timestamptz not null default now(),
    primary key (user_id, seq),
    unique (user_id, client_id)
);

create index clips_by_age on clips (created_at);

-- Stores a push, or finds the earlier push with the same client id. Taking the row lock on
-- user_clip_seq first serializes one user's pushes: seqs commit in the order they are handed
-- out, and a retried push never burns a seq, so stored seqs have no gaps.
create function push_clip(p_user uuid, p_client uuid, p_device uuid, p_session uuid, p_mime text,
                          p_encoding text, p_encrypted boolean, p_data text, p_keep integer)
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
    insert into clips (user_id, seq, client_id, from_device, from_session, mime, encoding, encrypted, data)
    values (p_user, v_seq, p_client, p_device, p_session, p_mime, p_encoding, p_encrypted, p_data);
    -- keep the newest p_keep clips
    delete from clips c where c.user_id = p_user and c.seq <= v_seq - p_keep;
    return query select v_seq, now(), false;
end
$$;
