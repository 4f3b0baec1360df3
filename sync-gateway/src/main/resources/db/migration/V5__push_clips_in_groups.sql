-- Group commit: the pushes of several users stored by one call, in one transaction, so
-- they share one commit (the commit's flush is what bounds pushes per second). Each push
-- is handled as push_clip (V4) handles it, in array order: the gateway sorts a group by
-- user, so concurrent groups take users' row locks in one order and never deadlock, and
-- one user's pushes keep the order they came in. Three statements per push instead of
-- seven: lock, look (duplicate and quota), write.
create function push_clips(p_users uuid[], p_clients uuid[], p_devices uuid[], p_sessions uuid[],
                           p_mimes text[], p_encodings text[], p_encrypted boolean[], p_data text[],
                           p_sensitive boolean[], p_blob_ids uuid[], p_blob_sizes bigint[],
                           p_blob_sha256s text[], p_keep integer, p_max_bytes bigint)
    returns table (out_seq bigint, out_created_at timestamptz, out_duplicate boolean)
    language plpgsql as
$$
declare
    v_seq      bigint;
    v_old_seq  bigint;
    v_old_at   timestamptz;
    v_used     bigint;
begin
    for i in 1 .. coalesce(array_length(p_users, 1), 0) loop
        select s.last_seq into v_seq from user_clip_seq s where s.user_id = p_users[i] for update;
        if not found then
            insert into user_clip_seq (user_id, last_seq) values (p_users[i], 0)
                on conflict (user_id) do nothing;
            select s.last_seq into v_seq from user_clip_seq s where s.user_id = p_users[i] for update;
        end if;
        -- A new snapshot after the lock: sees every push of the user committed before it.
        -- The sum is what is kept after this push: the newest p_keep - 1 clips and this one.
        select d.seq, d.created_at,
               (select coalesce(sum(octet_length(c.data)), 0) from clips c
                 where c.user_id = p_users[i] and c.seq > v_seq - p_keep + 1)
          into v_old_seq, v_old_at, v_used
          from (select 1) one
          left join clips d on d.user_id = p_users[i] and d.client_id = p_clients[i];
        if v_old_seq is not null then
            out_seq := v_old_seq;
            out_created_at := v_old_at;
            out_duplicate := true;
        elsif v_used + octet_length(p_data[i]) > p_max_bytes then
            out_seq := 0;
            out_created_at := now();
            out_duplicate := false;
        else
            v_seq := v_seq + 1;
            with bumped as (update user_clip_seq set last_seq = v_seq where user_id = p_users[i]),
                 trimmed as (delete from clips c where c.user_id = p_users[i] and c.seq <= v_seq - p_keep)
            insert into clips (user_id, seq, client_id, from_device, from_session, mime, encoding, encrypted,
                               data, sensitive, blob_id, blob_size, blob_sha256)
            values (p_users[i], v_seq, p_clients[i], p_devices[i], p_sessions[i], p_mimes[i], p_encodings[i],
                    p_encrypted[i], p_data[i], p_sensitive[i], p_blob_ids[i], p_blob_sizes[i], p_blob_sha256s[i])
            returning created_at into out_created_at;
            out_seq := v_seq;
            out_duplicate := false;
        end if;
        return next;
    end loop;
end
$$;
