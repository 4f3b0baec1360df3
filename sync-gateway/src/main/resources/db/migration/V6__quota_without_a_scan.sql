-- The quota check without reading the user's kept clips on every push. push_clips (V5)
-- summed the data of the user's newest clips for each push, so a push cost more the more
-- clips the user kept: with 60 kept, PostgreSQL took half as long again per push as with
-- none, and the default keeps 200.
--
-- kept_bytes is an upper bound of the bytes of all the user's clips: push_clips is the only
-- writer of clips and adds what it stores, and every other change to clips is a delete,
-- which only makes the true figure smaller. A push that fits under the bound fits under
-- the quota. Only a push that does not is checked against the exact sum, as before, which
-- then becomes the bound again. null: not known yet (users from before this migration).
alter table user_clip_seq add column kept_bytes bigint;

create or replace function push_clips(p_users uuid[], p_clients uuid[], p_devices uuid[], p_sessions uuid[],
                                      p_mimes text[], p_encodings text[], p_encrypted boolean[], p_data text[],
                                      p_sensitive boolean[], p_blob_ids uuid[], p_blob_sizes bigint[],
                                      p_blob_sha256s text[], p_keep integer, p_max_bytes bigint)
    returns table (out_seq bigint, out_created_at timestamptz, out_duplicate boolean)
    language plpgsql as
$$
declare
    v_seq      bigint;
    v_bound    bigint;
    v_old_seq  bigint;
    v_old_at   timestamptz;
    v_used     bigint;
    v_bytes    bigint;
begin
    for i in 1 .. coalesce(array_length(p_users, 1), 0) loop
        select s.last_seq, s.kept_bytes into v_seq, v_bound from user_clip_seq s
         where s.user_id = p_users[i] for update;
        if not found then
            insert into user_clip_seq (user_id, last_seq, kept_bytes) values (p_users[i], 0, 0)
                on conflict (user_id) do nothing;
            select s.last_seq, s.kept_bytes into v_seq, v_bound from user_clip_seq s
             where s.user_id = p_users[i] for update;
        end if;
        v_bytes := octet_length(p_data[i]);
        -- A new snapshot after the lock: sees every push of the user committed before it.
        -- No row sets both to null.
        select d.seq, d.created_at into v_old_seq, v_old_at
          from clips d where d.user_id = p_users[i] and d.client_id = p_clients[i];
        if v_old_seq is not null then
            out_seq := v_old_seq;
            out_created_at := v_old_at;
            out_duplicate := true;
            return next;
            continue;
        end if;
        if v_bound is null or v_bound + v_bytes > p_max_bytes then
            -- What is kept after this push: the newest p_keep - 1 clips and this one.
            select coalesce(sum(octet_length(c.data)), 0) into v_used from clips c
             where c.user_id = p_users[i] and c.seq > v_seq - p_keep + 1;
            if v_used + v_bytes > p_max_bytes then
                out_seq := 0;
                out_created_at := now();
                out_duplicate := false;
                return next;
                continue;
            end if;
            v_bound := v_used;
        end if;
        v_seq := v_seq + 1;
        with bumped as (update user_clip_seq set last_seq = v_seq, kept_bytes = v_bound + v_bytes
                         where user_id = p_users[i]),
             trimmed as (delete from clips c where c.user_id = p_users[i] and c.seq <= v_seq - p_keep)
        insert into clips (user_id, seq, client_id, from_device, from_session, mime, encoding, encrypted,
                           data, sensitive, blob_id, blob_size, blob_sha256)
        values (p_users[i], v_seq, p_clients[i], p_devices[i], p_sessions[i], p_mimes[i], p_encodings[i],
                p_encrypted[i], p_data[i], p_sensitive[i], p_blob_ids[i], p_blob_sizes[i], p_blob_sha256s[i])
        returning created_at into out_created_at;
        out_seq := v_seq;
        out_duplicate := false;
        return next;
    end loop;
end
$$;
