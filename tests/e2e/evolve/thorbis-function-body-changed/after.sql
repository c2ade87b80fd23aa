-- the new body: a member of a deleted company has no company (rolled back)
begin;
set local request.jwt.claims = '{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated"}';
select private.current_company_id();
update public.companies set deleted_at = now() where id = 'bbbbbbbb-0000-0000-0000-000000000001';
select coalesce(private.current_company_id()::text, 'none');
rollback;
