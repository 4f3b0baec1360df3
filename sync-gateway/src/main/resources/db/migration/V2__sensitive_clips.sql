-- Sensitive clips (a password, a one-time code) are kept only for a short time, then
-- deleted by every gateway's retention job; the partial index keeps that job cheap.

alter table clips add column sensitive boolean not null default false;

create index clips_sensitive_by_age on clips (created_at) where sensitive;

drop function push_clip(uuid, uuid, uuid, uuid, text, text, boolean, text, integer);

-- As in V1, with the sensitive flag stored.
create function push_clip(p_user uuid, p_client uuid, p_device uuid, p_session uuid, p_mime text,
                          p_encoding text, p_encrypted boolean, p_data text, p_keep integer,
                          p_sensitive boolean)
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
                       sensitive)
    values (p_user, v_seq, p_client, p_device, p_session, p_mime, p_encoding, p_encrypted, p_data,
            p_sensitive);
    -- keep the newest p_keep clips
    delete from clips c where c.user_id = p_user and c.seq <= v_seq - p_keep;
    return query select v_seq, now(), false;
end
$$;
