-- The email filter at 1M rows, as the planner sees a prepared statement once it goes generic (issue 20).
-- Run: psql -h 127.0.0.1 -U postgres -q -f api/bench/email-filter.sql   (creates and keeps database email_bench; drop it after)
-- old_q is the list statement before 6ee93e2 (catch-alls, email ilike); new_q the one after (only given filters, lower(email) =).
-- Caution: this runs as the owner, without row-level security. For plinth_app under RLS, lower(email) = ... cannot use the
-- expression index (lower() is not leakproof); Migration20261202000003 stores email_lower instead, and the customers test
-- checks plinth_app's generic plan. The hot-paths benchmark (npm run bench:hot) measures the filter through the API.
drop database if exists email_bench;
create database email_bench;
\c email_bench
create table customers (id text primary key, tenant_id text not null, name text, email text, phone text, company text,
  metadata jsonb not null default '{}', created_at timestamptz not null, updated_at timestamptz not null);
create index customers_tenant on customers (tenant_id, id);
create index customers_tenant_email on customers (tenant_id, lower(email));
insert into customers (id, tenant_id, name, email, created_at, updated_at)
  select 'cus_' || lpad(g::text, 26, '0'), 'ten_big', 'C' || g, 'user' || g || '@Example.com', now(), now() from generate_series(1, 1000000) g;
insert into customers (id, tenant_id, name, email, created_at, updated_at)
  select 'cus_' || lpad((2000000 + g)::text, 26, '0'), 'ten_small', 'C' || g, 'user' || g || '@Example.com', now(), now() from generate_series(1, 1000) g;
analyze customers;
set plan_cache_mode = force_generic_plan;
prepare old_q(text, text, text, timestamptz, timestamptz, int) as
  select id, name, email from customers where tenant_id = $1 and ($2::text is null or id < $2) and ($3::text is null or email ilike $3)
    and ($4::timestamptz is null or created_at >= $4) and ($5::timestamptz is null or created_at < $5) order by id desc limit $6;
prepare new_q(text, text, int) as
  select id, name, email from customers where tenant_id = $1 and lower(email) = lower($2) order by id desc limit $3;
\timing on
explain (analyze, costs off, timing off, summary on) execute old_q('ten_big', null, 'user500000@example.com', null, null, 21);
explain (analyze, costs off, timing off, summary on) execute new_q('ten_big', 'USER500000@example.com', 21);
explain (analyze, costs off, timing off, summary on) execute old_q('ten_small', null, 'user500@example.com', null, null, 21);
explain (analyze, costs off, timing off, summary on) execute new_q('ten_small', 'user500@example.com', 21);
