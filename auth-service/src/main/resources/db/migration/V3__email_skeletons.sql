-- What an email looks like (Unicode confusables skeleton of its key): visually identical
-- addresses cannot be two accounts. Filled for older rows at start-up (EmailSkeletons).
alter table users add column email_skeleton text;

create unique index users_by_email_skeleton on users (email_skeleton);
