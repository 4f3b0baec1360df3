-- A per-user bound on the bytes of inline clips, checked under the same row lock that
-- orders the user's pushes, so two pushes cannot both squeeze under it.

drop function push_clip(uuid, uuid, uuid, uuid, text, text, boolean, text, integer, boolean, uuid, bigint, text);

-- As in V3; a new push that would take the user's inline clips past p_max_bytes is not
-- stored and answers seq 0. A retry of a stored push is still answered as a duplicate.
create function push_clip(p_user uuid, p_client uuid, p_device uuid, p_session uuid, p_mime text,
                          p_encoding text, p_encrypted boolean, p_data text, p_keep integer,
                          p_sensitive boolean, p_blob_id uuid, p_blob_size bigint, p_blob_sha256 text,
                          p_max_bytes bigint)
    returns table (out_seq bigint, out_created_at timestamptz, out_duplicate boolean)
    language plpgsql as
$$
declare
    v_seq bigint;
    v_used bigint;
begin
    insert into user_clip_seq (user_id, last_seq) values (p_user, 0) on conflict (user_id) do nothing;
    select s.last_seq into v_seq from user_clip_seq s where s.user_id = p_user for update;
    return query select c.seq, c.created_at, true from clips c
                 where c.user_id = p_user and c.client_id = p_client;
    if found then
        return;
    end if;
    -- what is kept after this push: the newest p_keep - 1 clips and this one
    select coalesce(sum(octet_length(c.data)), 0) into v_used from clips c
     where c.user_id = p_user and c.seq > v_seq - p_keep + 1;
    if v_used + octet_length(p_data) > p_max_bytes then
        return query select 0::bigint, now(), false;
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
